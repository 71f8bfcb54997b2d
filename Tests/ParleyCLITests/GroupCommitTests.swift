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
        var lead: String
        /// A batch of two events whose second one is refused: neither may be written.
        var poisoned: Bool
        var status: Int
    }

    @Test(arguments: [[], ["--no-group-commit"]] as [[String]])
    func eachRequestIsAllOrNothingUnderConcurrentWriters(serverArguments: [String]) async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace, arguments: serverArguments)
        defer { _ = server.stop() }

        // 32 writers at once, 12 requests each: a lead sent (one event), or a
        // batch of a lead sent and a verdict marketing may not give (refused, 403).
        let sent = try await withThrowingTaskGroup(of: [Sent].self) { group in
            for writer in 0..<32 {
                group.addTask {
                    var mine: [Sent] = []
                    for request in 0..<12 {
                        let lead = "L-\(writer)-\(request)"
                        let poisoned = request % 4 == 3
                        let sendIt = #"{"stream":"lead/\#(lead)","type":"lead.sent","data":{"lead":"\#(lead)","source":"webinar","assigned_to":"sam@sales"}}"#
                        let acceptIt = #"{"stream":"lead/\#(lead)","type":"lead.accepted","data":{"lead":"\#(lead)"}}"#
                        let body = poisoned ? "[\(sendIt),\(acceptIt)]" : "[\(sendIt)]"
                        let answer = try await server.send(.POST, "/api/v1/events", token: tokens.mia, body: body)
                        mine.append(Sent(lead: lead, poisoned: poisoned, status: answer.status))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(sent.count == 384)
        #expect(sent.filter { !$0.poisoned }.allSatisfy { $0.status == 201 }, "\(sent.filter { !$0.poisoned && $0.status != 201 }.prefix(3))")
        #expect(sent.filter(\.poisoned).allSatisfy { $0.status == 403 }, "\(sent.filter { $0.poisoned && $0.status != 403 }.prefix(3))")

        // The log holds exactly the leads of the requests that succeeded, each once, and nothing of the refused ones.
        let events = try workspace.events()
        let leads = events.filter { $0["type"] == .string("lead.sent") }.compactMap { $0["data"]?["lead"]?.stringValue }
        #expect(Set(leads) == Set(sent.filter { !$0.poisoned }.map(\.lead)))
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
            #expect(value("parley_write_transactions_total") == 288, "one for each write that succeeded")
        }
    }
}
