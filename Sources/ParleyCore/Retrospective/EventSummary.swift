/// Any event in one line of words, for lists of events people read (the
/// hindsight list): who did what to which lead or tension.
public enum EventSummary {
    public static func line(_ event: RecordedEvent, data: Payload) -> String {
        func text(_ key: String) -> String? { data[key]?.stringValue }
        let lead = text("lead") ?? ""
        switch event.type {
        case LeadSent.type:
            return "\(event.actor) sent lead \(lead) from \(text("source") ?? "?")" + (text("assigned_to").map { " to \($0)" } ?? "")
        case LeadReassigned.type: return "\(event.actor) reassigned lead \(lead) to \(text("to") ?? "?")"
        case LeadAccepted.type: return "\(event.actor) accepted lead \(lead)"
        case LeadRejected.type: return "\(event.actor) rejected lead \(lead): \(text("reason") ?? "")"
        case LeadRecycled.type: return "\(event.actor) recycled lead \(lead)"
        case LeadFeedback.type: return "\(event.actor) rated lead \(lead) \(data["rating"]?.integerValue ?? 0)/5"
        case LeadConverted.type: return "lead \(lead) converted" + (data["amount"].map { " (\($0.canonicalText))" } ?? "") + ", recorded by \(event.actor)"
        case LeadLost.type: return "lead \(lead) was lost, recorded by \(event.actor)"
        case TensionCommented.type: return "\(event.actor) commented on \(text("tension") ?? event.stream)"
        default:
            var builder = TimelineBuilder(members: [], tensions: [])
            builder.add(event, data: data)
            return builder.entries.first?.summary ?? "\(event.actor): \(event.type) on \(event.stream)"
        }
    }
}
