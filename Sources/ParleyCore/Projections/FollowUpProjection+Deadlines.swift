extension FollowUpProjection {
    /// What a deadline row holds: whose lead it is and where it came from.
    public struct Deadline: Codable, Sendable, Hashable {
        public var rep: String?
        public var source: String
    }

    /// The two deadlines a lead waits on. Their rows are keyed
    /// `due/<kind>/<rep and source>/<due µs, 20 digits>/<lead>`: grouped by
    /// whose they are, then ordered by due time, so that a read counts each
    /// group's overdue deadlines from keys alone (``RowTally``). A row
    /// `due/<kind>/<rep and source>` counts the group's open deadlines, so a
    /// read need only count those not yet due.
    public enum DeadlineKind: String, Sendable, CaseIterable {
        case verdict, feedback

        /// The prefix of its rows: `due/verdict/`.
        public var prefix: String {
            switch self {
            case .verdict: "due/verdict/"
            case .feedback: "due/feedback/"
            }
        }

        /// The key of the deadline due at `due` for `lead`.
        public func key(_ due: Timestamp, _ lead: String, _ deadline: Deadline) -> String {
            key(due, lead, group: Self.group(deadline))
        }

        /// The key of the deadline due at `due` for `lead` in `group` (``group(_:)``).
        func key(_ due: Timestamp, _ lead: String, group: String) -> String {
            let prefix = prefix, order = split(due)
            var key = prefix
            key.reserveCapacity(prefix.utf8.count + group.utf8.count + order.utf8.count + lead.utf8.count + 2)
            key += group
            key += "/"
            key += order
            key += "/"
            key += lead
            return key
        }

        /// The key of the count of a group's open deadlines: `due/verdict/<rep|source>`
        /// (it sorts just before the group's deadlines).
        public func totalKey(_ deadline: Deadline) -> String { totalKey(group: Self.group(deadline)) }

        func totalKey(group: String) -> String { prefix + group }

        /// The count a group's count row holds (see ``RowTally``).
        public static func total(_ row: Row) -> Int? {
            if case let .openDeadlines(count) = row { return Int(count) }
            return nil
        }

        /// The order part of the keys due at `time`: keys whose order part sorts below it are due before `time`.
        public func split(_ time: Timestamp) -> String {
            // 20 decimal digits hold any Int64, zero-padded so that text order is time order.
            String(unsafeUninitializedCapacity: 20) { digits in
                var rest = UInt64(max(0, time.microseconds))
                for index in stride(from: 19, through: 0, by: -1) {
                    digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                return 20
            }
        }

        /// A deadline's group in its key: rep and source, with `%`, `/` and `|` escaped.
        static func group(_ deadline: Deadline) -> String {
            func escaped(_ text: String) -> String {
                guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "|") }) else {
                    return text
                }
                var out = ""
                for character in text {
                    switch character {
                    case "%": out += "%25"
                    case "/": out += "%2F"
                    case "|": out += "%7C"
                    default: out.append(character)
                    }
                }
                return out
            }
            return (deadline.rep.map(escaped) ?? "") + "|" + escaped(deadline.source)
        }

        /// The due time and the lead of a deadline row's key.
        public func parse(key: String) -> (due: Timestamp, lead: String)? {
            guard key.hasPrefix(prefix) else { return nil }
            let rest = key.utf8.dropFirst(prefix.utf8.count)
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            let order = rest[rest.index(after: slash)...]
            guard order.count > 21, let micros = Int64(String(decoding: order.prefix(20), as: UTF8.self)) else { return nil }
            return (Timestamp(microseconds: micros), String(decoding: order.dropFirst(21), as: UTF8.self))
        }
    }
}
