import Testing
@testable import ParleyCore

/// Folds read payload members through their types' keys: each reads its
/// member as its Swift type, from the log's text and from a parsed payload
/// alike, and the catalogue's families share their fields.
@Suite struct PayloadKeyTests {
    private func read(_ text: String, type: String) -> Payload {
        Array(text.utf8).withUnsafeBytes { Payload.read(utf8: $0, type: type, schema: EventCatalogue.schema(of: type) ?? 1) }
    }

    @Test func aKeyReadsItsMemberAsItsType() throws {
        let text = #"{"lead":"L-7","objections":["price",3,"timing"],"rating":4}"#
        let parsed = try JSONValue.parse(Array(text.utf8))
        for payload in [read(text, type: LeadFeedback.type), Payload(parsed)] {
            #expect(payload[LeadFeedback.lead] == "L-7")
            #expect(payload[LeadFeedback.rating] == 4)
            // A list keeps the items of its type.
            #expect(payload[LeadFeedback.objections] == ["price", "timing"])
            #expect(payload[LeadFeedback.comment] == nil)
        }
        #expect(parsed[LeadFeedback.rating] == 4)
        // A member of another type reads as nil, not as a converted value.
        let wrong = read(#"{"lead":7,"rating":"4"}"#, type: LeadFeedback.type)
        #expect(wrong[LeadFeedback.lead] == nil)
        #expect(wrong[LeadFeedback.rating] == nil)
    }

    @Test func numbersReadAsTheFoldsReadThem() {
        // An amount is a Double whether written whole or not; a whole count may be written 3.0.
        #expect(read(#"{"amount":1200,"lead":"L-1"}"#, type: LeadConverted.type)[LeadConverted.amount] == 1200)
        #expect(read(#"{"amount":12.5,"lead":"L-1"}"#, type: LeadConverted.type)[LeadConverted.amount] == 12.5)
        #expect(read(#"{"grace_days":3.0,"kind":"sla"}"#, type: SignalConfigured.type)[SignalConfigured.graceDays] == 3)
        #expect(read(#"{"grace_days":3.5,"kind":"sla"}"#, type: SignalConfigured.type)[SignalConfigured.graceDays] == nil)
    }

    @Test func actionItemsAndAttributesReadAsTheirTypes() {
        let meeting = read(#"{"action_items":[{"action":"A-1","owner":"sam@sales","text":"call"},{"owner":"x@y"}],"attendees":["a@b"],"meeting":"M-1","title":"t"}"#,
                           type: MeetingHeld.type)
        // An item without an action id is passed over.
        #expect(meeting[MeetingHeld.actionItems] == [MeetingHeld.ActionItem(action: "A-1", owner: "sam@sales", text: "call")])
        let lead = read(#"{"attributes":{"employees":50,"eu":true,"list":[1],"title":"vp"},"lead":"L-1","source":"web"}"#, type: LeadSent.type)
        #expect(lead[LeadSent.attributes] == ["employees": .number(50), "eu": .flag(true), "title": .text("vp")])
    }

    @Test func aKeyTypeMustHoldWhatItsKindAllows() {
        #expect(String.holds(.handle) && String.holds(.choice(["a"])) && String.holds(.time))
        #expect(!String.holds(.integer(0...1)) && !String.holds(.list(.handle, maxCount: 1)))
        #expect(Int64.holds(.integer(0...1)) && !Int64.holds(.number(0...1)))
        #expect(Double.holds(.number(0...1)) && Double.holds(.integer(0...1)))
        #expect([String].holds(.list(.eventID, maxCount: 3)) && ![String].holds(.list(.integer(0...1), maxCount: 3)))
        #expect([MeetingHeld.ActionItem].holds(.list(.object([]), maxCount: 1)))
        #expect([String: AttributeValue].holds(.attributes) && ![String: AttributeValue].holds(.object([])))
    }

    /// A family field (every lead event's `lead`, every signature's version
    /// and team) is declared alike by every type of its family.
    @Test func everyTypeOfAFamilyDeclaresItsField() throws {
        for (field, types) in EventCatalogue.familyFields {
            #expect(types.count >= 2, "\(field.name)")
            for type in types {
                let spec = try #require(EventCatalogue.spec(type))
                let declared = try #require(spec.fields.first { $0.name == field.name }, "\(type) has no \(field.name)")
                #expect(String(describing: declared.kind) == String(describing: field.kind), "\(type).\(field.name)")
            }
        }
        #expect(EventCatalogue.familyFields.first { $0.field.name == "lead" }?.types.count == 8)
    }

    /// Every spec lists each of its payload type's fields once, by the key
    /// the type declares for it.
    @Test func specsListTheirKeysOnce() {
        for spec in EventCatalogue.specs {
            #expect(Set(spec.fields.map(\.name)).count == spec.fields.count, "\(spec.name)")
        }
        #expect(LeadSent.spec.fields.map(\.name) == [LeadSent.lead, LeadSent.source, LeadSent.campaign].map(\.name)
                + ["criteria_version", "score", "assigned_to", "attributes"])
        #expect(LeadSent.spec.idField == "lead" && MeetingHeld.spec.idField == "meeting")
    }
}
