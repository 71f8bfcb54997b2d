/// Counts by key, kept in key order as two lists (the keys, and their
/// counts): adding one set of counts to another is a merge of sorted lists,
/// with no hashing. A view's group row adds up the counts of thousands of
/// others in every chunk of a rebuild.
///
/// A count that reaches zero is removed: two values with the same keys and
/// counts are equal however they were added up.
public struct SortedCounts<Key: Comparable & Hashable & Sendable>: Sendable, Hashable, Sequence {
    /// The keys, ascending, each once.
    public private(set) var keys: [Key] = []
    /// The count of each key in ``keys``, never zero.
    public private(set) var counts: [Int64] = []

    public init() {}

    /// The counts of `keys` (in any order; the counts of a key that comes
    /// more than once add up, and keys counted zero are left out).
    public init(keys: [Key], counts: [Int64]) {
        precondition(keys.count == counts.count, "\(keys.count) keys for \(counts.count) counts")
        if zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }) && !counts.contains(0) {
            self.keys = keys
            self.counts = counts
            return
        }
        for (key, count) in zip(keys, counts) { add(count, to: key) }
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// How many keys are counted.
    public var count: Int { keys.count }

    /// The count of `key` (zero when not counted).
    public subscript(key: Key) -> Int64 {
        let index = position(of: key)
        return index < keys.count && keys[index] == key ? counts[index] : 0
    }

    /// Adds `change` to the count of `key`.
    public mutating func add(_ change: Int64, to key: Key) {
        guard change != 0 else { return }
        let index = position(of: key)
        if index < keys.count && keys[index] == key {
            let sum = counts[index] + change
            if sum == 0 {
                keys.remove(at: index)
                counts.remove(at: index)
            } else {
                counts[index] = sum
            }
        } else {
            keys.insert(key, at: index)
            counts.insert(change, at: index)
        }
    }

    /// Adds `other`'s counts, times `sign` (1 to add, -1 to take away).
    public mutating func add(_ other: SortedCounts, sign: Int64) {
        if other.isEmpty { return }
        if isEmpty && sign == 1 {
            self = other
            return
        }
        // A few keys into many: each where it goes. Otherwise one merge of the two lists.
        if other.count <= 8 {
            for index in other.keys.indices { add(sign * other.counts[index], to: other.keys[index]) }
            return
        }
        var mergedKeys: [Key] = []
        var mergedCounts: [Int64] = []
        mergedKeys.reserveCapacity(keys.count + other.keys.count)
        mergedCounts.reserveCapacity(keys.count + other.keys.count)
        var mine = 0, theirs = 0
        while mine < keys.count || theirs < other.keys.count {
            if theirs == other.keys.count || (mine < keys.count && keys[mine] < other.keys[theirs]) {
                mergedKeys.append(keys[mine])
                mergedCounts.append(counts[mine])
                mine += 1
            } else if mine == keys.count || other.keys[theirs] < keys[mine] {
                mergedKeys.append(other.keys[theirs])
                mergedCounts.append(sign * other.counts[theirs])
                theirs += 1
            } else {
                let sum = counts[mine] + sign * other.counts[theirs]
                if sum != 0 {
                    mergedKeys.append(keys[mine])
                    mergedCounts.append(sum)
                }
                mine += 1
                theirs += 1
            }
        }
        keys = mergedKeys
        counts = mergedCounts
    }

    /// The pairs of key and count, in key order.
    public func makeIterator() -> Iterator {
        Iterator(counts: self)
    }

    public struct Iterator: IteratorProtocol {
        let counts: SortedCounts
        var index = 0

        public mutating func next() -> (key: Key, count: Int64)? {
            guard index < counts.keys.count else { return nil }
            defer { index += 1 }
            return (counts.keys[index], counts.counts[index])
        }
    }

    /// The counts as a dictionary.
    public var dictionary: [Key: Int64] {
        Dictionary(uniqueKeysWithValues: zip(keys, counts))
    }

    /// The first index whose key is not below `key`.
    private func position(of key: Key) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension SortedCounts: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (Key, Int64)...) {
        self.init(keys: elements.map(\.0), counts: elements.map(\.1))
    }
}

extension SortedCounts where Key: Encodable {
    /// Writes the counts into `list` as two lists, the keys and then their
    /// counts: how a view's row stores them (``init(keys:counts:)`` reads them back).
    public func encodeLists(to list: inout any UnkeyedEncodingContainer) throws {
        try list.encode(keys)
        try list.encode(counts)
    }
}

extension SortedCounts {
    /// Adds the counts a view row stores as two lists (see
    /// ``encodeLists(to:)``), at `reader`, each key read by `key`, without
    /// making them a value of their own: a report adds up thousands of rows.
    /// Keys in any order and keys counted zero are taken as
    /// ``init(keys:counts:)`` takes them.
    public mutating func add(reading reader: inout RowReader, key: (inout RowReader) throws -> Key) throws {
        let count = try reader.list()
        // The keys are read beside the counts, which follow them.
        var keys = reader
        try reader.skip(count)
        guard try reader.list() == count else { throw RowReader.corrupt("\(count) keys for another number of counts") }
        // A few keys go where they belong one by one, with no list of their own; many are read as lists and merged once.
        guard count > 8 || isEmpty else {
            for _ in 0..<count {
                let key = try key(&keys)
                add(try reader.int(), to: key)
            }
            return
        }
        var read: [Key] = [], counts: [Int64] = []
        read.reserveCapacity(count)
        counts.reserveCapacity(count)
        for _ in 0..<count {
            read.append(try key(&keys))
            counts.append(try reader.int())
        }
        add(SortedCounts(keys: read, counts: counts), sign: 1)
    }
}
