import ParleyCore
import Testing

/// Commands decided from a state built by hand: no store, no SQLite.
@Suite struct CommandDecideTests {
    func recorded(_ payload: some EventPayload, stream: String? = nil, position: Int64, version: Int64, actor: String = "mia@marketing",
                  at: String = "2026-01-05T09:00:00Z") throws -> RecordedEvent {
        let proposed = try payload.event(actor: actor, stream: stream)
        return RecordedEvent(position: position, id: EventID.v7(at: Timestamp(rfc3339: at)!), stream: proposed.stream, version: version,
                             type: proposed.type, actor: actor, occurredAt: Timestamp(rfc3339: at)!, recordedAt: Timestamp(rfc3339: at)!,
                             schema: 1, data: proposed.data, meta: nil, hash: [])
    }

    @Test func idsAreNumberedFromTheState() throws {
        var state = DecisionState()
        state.nextNumbers[DecisionState.numberKey(kind: "tension", prefix: "T")] = 7
        state.nextNumbers[DecisionState.numberKey(kind: "meeting", prefix: "M")] = 3
        state.nextActionNumber = 12
        let flag = Command.flagTension(Command.FlagTension(title: "t", severity: "low", category: "other"))
        #expect(flag.needs(actor: "sam@sales") == [.nextNumber(kind: "tension", prefix: "T")])
        let flagged = try flag.decide(state, actor: "sam@sales")
        #expect(flagged.map(\.stream) == ["tension/T-7"])
        #expect(flagged[0].expectedVersion == 0, "a new id must not exist yet")
        let given = try Command.flagTension(Command.FlagTension(id: "T-x", title: "t", severity: "low", category: "other")).decide(state, actor: "sam@sales")
        #expect(given.map(\.stream) == ["tension/T-x"])

        let meeting = Command.holdMeeting(Command.HoldMeeting(title: "sync", attendees: ["a@sales"], actionItems: [
            .init(owner: "a@sales", text: "one"), .init(owner: "b@marketing", text: "two", due: "2026-02-01"),
        ]))
        let held = try meeting.decide(state, actor: "lee@mgmt")
        #expect(held[0].stream == "meeting/M-3")
        guard case let .array(items)? = held[0].payload["action_items"] else { Issue.record("no action items"); return }
        #expect(items.compactMap { $0["action"]?.stringValue } == ["A-12", "A-13"])
    }

    @Test func criteriaGoUpByOneAndATeamAgreesForItself() throws {
        var state = DecisionState()
        let criteria = StreamHistory([
            try recorded(CriteriaChanged(version: 1, rules: "a", rationale: nil), position: 1, version: 1),
            try recorded(CriteriaChanged(version: 2, rules: "b", rationale: nil), position: 2, version: 2),
        ], stream: CriteriaChanged.stream)
        state.streams[CriteriaChanged.stream] = criteria
        let changed = try Command.changeCriteria(rules: "c = 1", rationale: nil).decide(state, actor: "mia@marketing")
        #expect(changed[0].payload["version"] == .integer(3))
        #expect(changed[0].expectedVersion == 2, "a change made on a stale read conflicts")
        // Rules that do not parse are refused before any event is made.
        #expect(throws: ParleyError.self) { try Command.changeCriteria(rules: "c", rationale: nil).decide(state, actor: "mia@marketing") }

        state.streams["member/sam@sales"] = StreamHistory([
            try recorded(MemberJoined(handle: "sam@sales", name: "Sam", team: "sales"), position: 3, version: 1),
        ], stream: "member/sam@sales")
        let agreed = try Command.agree(.criteria, version: 3, team: nil).decide(state, actor: "sam@sales")
        #expect(agreed[0].payload["team"] == .string("sales"))
        #expect(throws: ParleyError.self) { try Command.agree(.criteria, version: 3, team: nil).decide(state, actor: "eve@sales") }
    }

    @Test func anSLAIsNumberedAndItsProposerSignsForTheirTeamOnly() throws {
        var state = DecisionState()
        state.streams[SLASet.stream] = StreamHistory([
            try recorded(SLASet(followUpHours: 24), position: 1, version: 1, actor: "lee@mgmt"),  // written before SLAs had numbers
        ], stream: SLASet.stream)
        for (handle, team, position) in [("mia@marketing", "marketing", 2), ("lee@mgmt", "management", 3)] as [(String, String, Int64)] {
            state.streams["member/\(handle)"] = StreamHistory([
                try recorded(MemberJoined(handle: handle, name: handle, team: team), position: position, version: 1),
            ], stream: "member/\(handle)")
        }
        let set = Command.setSLA(SLASet(followUpHours: 48))
        #expect(set.needs(actor: "mia@marketing") == [.stream(SLASet.stream), .stream("member/mia@marketing")])
        let byMarketing = try set.decide(state, actor: "mia@marketing")
        #expect(byMarketing.map(\.type) == ["sla.set", "sla.agreed"])
        #expect(byMarketing[0].payload["version"] == .integer(2) && byMarketing[0].expectedVersion == 1)
        #expect(byMarketing[1].payload["version"] == .integer(2) && byMarketing[1].payload["team"] == .string("marketing"))
        // Management signs only when it says for which team.
        #expect(try set.decide(state, actor: "lee@mgmt").map(\.type) == ["sla.set"])

        let proposed = try Command.proposeAgreement(name: "personas", text: "IT managers", rationale: nil).decide(state, actor: "mia@marketing")
        #expect(proposed.map(\.stream) == ["agreement/personas", "agreement/personas"])
        #expect(proposed[0].payload["version"] == .integer(1) && proposed[0].expectedVersion == 0)
    }

    @Test func aVersionIsInForceOnceBothTeamsSignUntilALaterOneIs() {
        var versions = AgreementVersions()
        let day = { (d: Int64) in Timestamp(microseconds: d * 86_400_000_000) }
        versions.propose(by: "lee@mgmt", at: day(1))
        versions.propose(by: "mia@marketing", at: day(5))
        #expect(versions.inForce == nil && versions.current?.number == 2, "none signed: the latest proposed counts, not agreed")
        let signed = versions.sign(1, team: "sales", by: "sam@sales", at: day(2))
        let again = versions.sign(1, team: "sales", by: "zoe@sales", at: day(3))
        let unknown = versions.sign(9, team: "sales", by: "sam@sales", at: day(3))
        #expect(signed && !again && !unknown, "a team signs an existing version, once")
        versions.sign(1, team: "marketing", by: "lee@mgmt", at: day(3))
        #expect(versions.inForce?.number == 1 && versions.inForce?.agreedAt == day(3))
        #expect(versions.waiting?.number == 2 && versions.waiting?.missing == ["marketing", "sales"])
        versions.sign(2, team: "marketing", by: "mia@marketing", at: day(5))
        versions.sign(2, team: "sales", by: "sam@sales", at: day(6))
        #expect(versions.inForce?.number == 2 && versions.waiting == nil)
        #expect(versions.versions.map(versions.state) == [.superseded, .inForce])
        #expect(versions.latest(proposedAtOrBefore: day(4)) == 1 && versions.latest(proposedAtOrBefore: day(0)) == nil)
        #expect(AgreementVersions.days(from: day(1), to: day(4)) == 3)
    }

    @Test func aLeadIsSentUnderTheVersionInForceWhenItWasSent() throws {
        let criteria = StreamHistory([
            try recorded(CriteriaChanged(version: 1, rules: "a", rationale: nil), position: 1, version: 1, at: "2026-01-01T00:00:00Z"),
            try recorded(CriteriaChanged(version: 2, rules: "b", rationale: nil), position: 2, version: 2, at: "2026-03-01T00:00:00Z"),
        ], stream: CriteriaChanged.stream)
        let lead = try LeadSent(lead: "L-1", source: "webinar").event(actor: "mia@marketing")
        func version(at time: String) -> JSONValue? {
            EventDefaults.complete(lead, at: Timestamp(rfc3339: time)!, history: criteria).payload["criteria_version"]
        }
        #expect(version(at: "2025-12-31T00:00:00Z") == nil, "before any version, none")
        #expect(version(at: "2026-02-01T00:00:00Z") == .integer(1))
        #expect(version(at: "2026-03-01T00:00:00Z") == .integer(2))
        let explicit = try LeadSent(lead: "L-2", source: "webinar", criteriaVersion: 1).event(actor: "mia@marketing")
        #expect(EventDefaults.complete(explicit, at: Timestamp(rfc3339: "2026-04-01T00:00:00Z")!, history: criteria).payload["criteria_version"]
            == .integer(1), "a version given is kept")
    }

    @Test func anActionOrARetractionThatNamesNothingIsNotFound() throws {
        let state = DecisionState()
        #expect { try Command.completeAction(ActionCompleted(action: "A-1", note: nil)).decide(state, actor: "sam@sales") } throws: { error in
            (error as? ParleyError)?.kind == .notFound
        }
        let id = EventID.v7(at: .now())
        #expect { try Command.retract(target: id, reason: "x").decide(state, actor: "sam@sales") } throws: { error in
            (error as? ParleyError)?.kind == .notFound
        }
    }
}
