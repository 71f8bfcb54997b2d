import Foundation
import ParleyApp
import ParleyCharts
import ParleyCore

/// The log, verification, and an event.
extension Pages {
    static func log(_ app: App, filter: EventFilter, verify: VerifyResult?, _ page: PageContext) throws -> RenderedPage {
        // The newest 100 that match. Unfiltered, they are the last 100
        // positions; filtered, the log is read through (a filter's cost).
        var events: [RecordedEvent] = []
        var unlimited = filter
        unlimited.limit = nil
        if filter.type == nil && filter.stream == nil && filter.actor == nil {
            unlimited.after = max(0, try app.head().lastPosition - 100)
        }
        try app.events(unlimited) { event in
            events.append(event)
            if events.count > 200 { events.removeFirst(100) }
            return true
        }
        events = events.suffix(100).reversed()
        var model: [String: Any] = [
            "events": events.map { event -> [String: Any] in
                ["position": Int(event.position), "when": Shown.minute(event.occurredAt), "actor": event.actor, "stream": event.stream,
                 "summary": EventSummary.line(event, data: Payload(event.payload))]
            },
            "count": events.count, "filtered": filter.type != nil || filter.stream != nil || filter.actor != nil,
            "type": filter.type ?? "", "stream": filter.stream ?? "", "actor": filter.actor ?? "",
        ]
        if let last = try app.lastVerification() {
            model["last_verified"] = "Last found sound up to #\(last.position)" + (last.at.map { ", \(Shown.minute($0)) UTC" } ?? "")
                + " (\(last.events) events checked)."
        }
        if let verify {
            let report = verify.report
            model["verify"] = ["ok": report.isSound,
                               "verify_text": report.isSound ? "Sound: \(report.eventsChecked) events checked, the chain holds."
                                   : "The log failed verification: " + (verify.failure?.message ?? "")]
        }
        return Page.render("log", title: "Log", nav: "log", model, page)
    }

    static func event(_ app: App, position: Int64, _ page: PageContext) throws -> RenderedPage {
        let event = try app.event(at: position)
        return Page.render("event", title: "Event #\(position)", nav: "log", [
            "position": Int(position), "summary": EventSummary.line(event, data: Payload(event.payload)), "type": event.type,
            "stream": event.stream, "version": Int(event.version), "actor": event.actor, "occurred_at": event.occurredAt.rfc3339,
            "recorded_at": event.recordedAt.rfc3339, "id": event.id.description, "hash": event.hashHex, "data": event.payload.prettyText(indent: ""),
        ], page)
    }
}
