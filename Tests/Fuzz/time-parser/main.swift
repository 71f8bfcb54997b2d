import ParleyCore

/// Text as `--at`, `--since` and `occurred_at` take it. A time that parses
/// prints as RFC 3339, and that text parses back to the same time.
func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: input, as: UTF8.self)
    for parsed in [Timestamp(rfc3339: text), Timestamp(timeOrDate: text)] {
        guard let time = parsed else { continue }
        let printed = time.rfc3339
        guard let again = Timestamp(rfc3339: printed), again == time else {
            fatalError("\(text.debugDescription) parses, prints as \(printed), which does not parse back to it")
        }
    }
}
