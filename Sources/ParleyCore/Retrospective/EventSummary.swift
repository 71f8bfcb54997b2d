/// Any event in one line of words, for lists of events people read (the
/// hindsight list): who did what to which lead or tension.
public enum EventSummary {
    public static func line(_ event: RecordedEvent, data: Payload) -> String {
        let lead = data[EventCatalogue.lead] ?? ""
        switch event.type {
        case LeadSent.type:
            return "\(event.actor) sent lead \(lead) from \(data[LeadSent.source] ?? "?")" + (data[LeadSent.assignedTo].map { " to \($0)" } ?? "")
        case LeadReassigned.type: return "\(event.actor) reassigned lead \(lead) to \(data[LeadReassigned.to] ?? "?")" + said(data[LeadReassigned.reason])
        case LeadAccepted.type: return "\(event.actor) accepted lead \(lead)"
        case LeadRejected.type: return "\(event.actor) rejected lead \(lead): \(data[LeadRejected.reason] ?? "")" + said(data[LeadRejected.comment])
        case LeadRecycled.type: return "\(event.actor) recycled lead \(lead)" + said(data[LeadRecycled.reason])
        case LeadFeedback.type: return "\(event.actor) rated lead \(lead) \(data[LeadFeedback.rating] ?? 0)/5" + said(data[LeadFeedback.comment])
        case LeadConverted.type: return "lead \(lead) converted" + (data[LeadConverted.amount].map { " (\(short($0)))" } ?? "") + ", recorded by \(event.actor)"
        case LeadLost.type: return "lead \(lead) was lost, recorded by \(event.actor)" + said(data[LeadLost.reason])
        case TensionCommented.type: return "\(event.actor) commented on \(data[TensionCommented.tension] ?? event.stream)" + said(data[TensionCommented.comment])
        default:
            var builder = TimelineBuilder(members: [], tensions: [])
            builder.add(event, data: data)
            return builder.entries.first?.summary ?? "\(event.actor): \(event.type) on \(event.stream)"
        }
    }

    /// What someone wrote (a comment, a reason in their words), quoted after the line (the first 120 characters), or nothing.
    static func said(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 120 ? " — “\(line.prefix(119))…”" : " — “\(line)”"
    }
}
