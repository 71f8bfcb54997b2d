extension EventCatalogue {
    /// What is wrong with `pattern` as a choice of event types (a type's
    /// name, or a prefix ending in `*`, as `lead.*`), or nil when it names at
    /// least one type of the catalogue. A filter or a webhook whose types
    /// match nothing would stay silent for good; a type typed wrong is told,
    /// with the nearest name when there is one.
    public static func problem(withTypePattern pattern: String) -> String? {
        if pattern.hasSuffix("*") {
            let prefix = pattern.dropLast()
            if typeNames.contains(where: { $0.hasPrefix(prefix) }) { return nil }
            return "no event type starts with \(ProposedEvent.quoted(String(prefix))); the types start with \(families.joined(separator: ", "))"
        }
        if spec(pattern) != nil { return nil }
        if let near = nearestTypeName(to: pattern) {
            return "there is no event type \(ProposedEvent.quoted(pattern)); did you mean \(near)?"
        }
        return "there is no event type \(ProposedEvent.quoted(pattern)); the types start with \(families.joined(separator: ", "))"
    }

    /// The first words of the type names (`lead.`, `tension.`, …), in catalogue order.
    static var families: [String] {
        var seen: Set<Substring> = []
        return typeNames.compactMap { name in
            guard let dot = name.firstIndex(of: ".") else { return nil }
            let family = name[...dot]
            return seen.insert(family).inserted ? String(family) + "*" : nil
        }
    }

    /// The type name fewest edits away from `text`, if it is at most two
    /// edits (or a third of the name) away.
    static func nearestTypeName(to text: String) -> String? {
        let typed = Array(text.lowercased().utf8)
        var best: (name: String, distance: Int)?
        for name in typeNames {
            let distance = editDistance(typed, Array(name.utf8))
            if distance < (best?.distance ?? .max) { best = (name, distance) }
        }
        guard let best, best.distance <= max(2, best.name.utf8.count / 3) else { return nil }
        return best.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
