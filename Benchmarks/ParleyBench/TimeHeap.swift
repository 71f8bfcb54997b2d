/// A min-heap of event lines by time (for a history written in time order).
struct TimeHeap {
    private var lines: [DemoHistory.Line] = []
    /// Breaks ties in the order lines were inserted.
    private var order: [Int] = []
    private var inserted = 0

    var isEmpty: Bool { lines.isEmpty }
    var earliest: Int64? { lines.first?.at }

    private func before(_ a: Int, _ b: Int) -> Bool {
        (lines[a].at, order[a]) < (lines[b].at, order[b])
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        lines.swapAt(a, b)
        order.swapAt(a, b)
    }

    mutating func insert(_ line: DemoHistory.Line) {
        lines.append(line)
        order.append(inserted)
        inserted += 1
        var child = lines.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeEarliest() -> String {
        swapAt(0, lines.count - 1)
        let text = lines.removeLast().text
        order.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < lines.count && before(left, first) { first = left }
            if right < lines.count && before(right, first) { first = right }
            guard first != parent else { break }
            swapAt(parent, first)
            parent = first
        }
        return text
    }
}
