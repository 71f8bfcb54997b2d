import AsyncHTTPClient
import NIOHTTP1
import Foundation
import ParleyCore
import Testing

/// Group commit through a live server: many concurrent requests, some of
/// which the rules refuse; each stands or falls alone, whole.
@Suite(.serialized) struct GroupCommitTests {
    /// What one request was and how the server answered it.
    struct Sent: Sendable {
        enum Kind: Sendable {
            /// A lead sent: one event, written.
            case send
            /// Two leads sent in one batch: both written.
            case pair
            /// A batch of two events whose second one is refused: neither may be written.
            case poisoned
            /// One event the rules refuse (marketing's verdict on a lead it sent).
            case refused
            /// One event expecting a version its stream is not at.
            case conflict
        }
        var lead: String
        var kind: Kind
        var status: Int
    }

    @Test(arguments: [[], ["--no-group-commit"]] as [[String]])
    func eachRequestIsAllOrNothingUnderConcurrentWriters(serverArguments: [String]) async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace, arguments: serverArguments)
        defer { _ = server.stop() }

        // 32 writers at once, 12 requests each, in every group refused writes
        // beside the ones that succeed: a lead sent (one event); a batch of a
        // lead sent and a verdict marketing may not give (refused, 403); that
        // verdict alone, on a lead sent before (403); two leads sent at once; a
        // lead sent expecting its new stream at version 5 (409).
        let sent = try await withThrowingTaskGroup(of: [Sent].self) { group in
            for writer in 0..<32 {
                group.addTask {
                    var mine: [Sent] = []
                    for request in 0..<12 {
                        let kinds: [Sent.Kind] = [.send, .send, .poisoned, .refused, .pair, .conflict]
                        let kind = kinds[request % kinds.count]
                        // A refused verdict is on the lead sent just before it.
                        let lead = "L-\(writer)-\(kind == .refused ? request - 2 : request)"
                        let expecting = kind == .conflict ? #","expected_version":5"# : ""
                        let sendIt = #"{"stream":"lead/\#(lead)","type":"lead.sent","data":{"lead":"\#(lead)","source":"webinar","assigned_to":"sam@sales"}\#(expecting)}"#
                        let acceptIt = #"{"stream":"lead/\#(lead)","type":"lead.accepted","data":{"lead":"\#(lead)"}}"#
                        let sendAnother = #"{"stream":"lead/\#(lead)b","type":"lead.sent","data":{"lead":"\#(lead)b","source":"webinar","assigned_to":"sam@sales"}}"#
                        let body = switch kind {
                        case .send, .conflict: "[\(sendIt)]"
                        case .pair: "[\(sendIt),\(sendAnother)]"
                        case .poisoned: "[\(sendIt),\(acceptIt)]"
                        case .refused: "[\(acceptIt)]"
                        }
                        let answer = try await server.send(.POST, "/api/v1/events", token: tokens.mia, body: body)
                        mine.append(Sent(lead: lead, kind: kind, status: answer.status))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(sent.count == 384)
        for (kind, status) in [(Sent.Kind.send, 201), (.pair, 201), (.poisoned, 403), (.refused, 403), (.conflict, 409)] {
            let answered = sent.filter { $0.kind == kind }
            #expect(!answered.isEmpty && answered.allSatisfy { $0.status == status }, "\(kind): \(answered.filter { $0.status != status }.prefix(3))")
        }

        // The log holds exactly the leads of the requests that succeeded, each once, and nothing of the refused ones.
        let events = try workspace.events()
        let leads = events.filter { $0["type"] == .string("lead.sent") }.compactMap { $0["data"]?["lead"]?.stringValue }
        #expect(Set(leads) == Set(sent.filter { $0.kind == .send }.map(\.lead) + sent.filter { $0.kind == .pair }.flatMap { [$0.lead, $0.lead + "b"] }))
        #expect(leads.count == Set(leads).count)
        #expect(!events.contains { $0["type"] == .string("lead.accepted") })
        let positions = events.compactMap { $0["position"]?.integerValue }
        #expect(positions == Array(1...Int64(positions.count)), "positions have no gaps")
        try workspace.ok("verify")

        // With group commit on, concurrent writes shared transactions.
        let metrics = try await server.send(.GET, "/metrics").body
        func value(_ name: String) -> Double {
            metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        if serverArguments.isEmpty {
            #expect(value("parley_grouped_writes_total") == 384)
            #expect(value("parley_groups_committed_total") < 384, "\(value("parley_groups_committed_total")) groups for 384 writes")
        } else {
            #expect(value("parley_groups_committed_total") == 0)
            #expect(value("parley_write_transactions_total") == 192, "one for each request that succeeded")
        }
    }
}
