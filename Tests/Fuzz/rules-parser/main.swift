import ParleyCore

/// Criteria rules as `criteria change --rules` takes them. Rules that parse
/// evaluate on any lead: one with no attributes, and one whose every value
/// is a number, a text and missing in turn.
func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: input, as: UTF8.self)
    guard let rules = try? CriteriaRules.parse(text) else { return }
    _ = rules.evaluate { _ in nil }
    _ = rules.evaluate { name in .double(Double(name.utf8.count) * 7.5) }
    _ = rules.evaluate { name in .string(String(name.reversed())) }
    _ = rules.evaluate { name in name.utf8.count % 2 == 0 ? .integer(Int64(name.utf8.count)) : nil }
}
