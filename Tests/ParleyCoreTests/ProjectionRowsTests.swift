import Testing
@testable import ParleyCore

/// The cache a fold works in: which changes it hands to the store behind.
@Suite struct ProjectionRowsTests {
    /// Rows behind the cache: "stored" holds a row, anything else holds none.
    private func rows() -> ProjectionRows<String> {
        ProjectionRows { key in key == "stored" ? "old" : nil }
    }

    @Test func aRowMadeAndRemovedBeforeTheWriteIsNeverWritten() throws {
        let rows = rows()
        rows.insert("new", "made")
        rows.set("new", nil)
        #expect(rows.takeChanges().isEmpty)
    }

    @Test func aRemovalIsWrittenUnlessTheStoreIsKnownToHoldNothing() throws {
        let rows = rows()
        // Read first: the store holds it, so its removal must be written.
        #expect(try rows.row("stored") == "old")
        rows.set("stored", nil)
        // Set blind: the store may hold one.
        rows.set("blind", "x")
        rows.set("blind", nil)
        // Read first: the store holds none.
        try rows.modify("absent") { $0 = "y" }
        try rows.modify("absent") { $0 = nil }
        let changes = rows.takeChanges()
        #expect(changes.map(\.key) == ["stored", "blind"])
        #expect(changes.allSatisfy { $0.row == nil })
    }

    @Test func afterAWriteTheStoreIsTakenToHoldWhatWasWritten() throws {
        let rows = rows()
        rows.insert("new", "made")
        #expect(rows.takeChanges().map(\.key) == ["new"])
        rows.markClean()
        // Written once: its removal must now be written too.
        rows.set("new", nil)
        #expect(rows.takeChanges().map(\.key) == ["new"])
        rows.markClean()
        // Removed in the store: made and removed again, nothing to write.
        rows.insert("new", "again")
        rows.set("new", nil)
        #expect(rows.takeChanges().isEmpty)
    }

    @Test func aRowTheFoldKnowsIsNewIsNotReadFromTheStore() throws {
        var read: [String] = []
        let rows = ProjectionRows<String> { key in
            read.append(key)
            return key == "stored" ? "old" : nil
        }
        // New: not read, starts absent, and is written.
        try rows.modify("fresh", new: true) { row in
            #expect(row == nil)
            row = "made"
        }
        // New, made and removed before the write: nothing to write (the store holds none).
        try rows.modify("gone", new: true) { $0 = "x" }
        try rows.modify("gone") { $0 = nil }
        // Not new: read from the store as before.
        try rows.modify("stored", new: false) { row in
            #expect(row == "old")
            row = "changed"
        }
        // Cached: the cache answers, new or not.
        try rows.modify("stored", new: true) { row in #expect(row == "changed") }
        #expect(read == ["stored"])
        #expect(rows.takeChanges().map(\.key) == ["fresh", "stored"])
    }

    @Test func pastItsBoundTheCacheKeepsOnlyWhatTheLastWriteChanged() throws {
        let rows = rows()
        for n in 0..<5 { rows.insert("old-\(n)", "x") }
        rows.markClean(keepingAtMost: 10)
        #expect(rows.cachedCount == 5, "under the bound, everything stays")
        try rows.modify("old-0") { $0 = "y" }
        rows.insert("new", "z")
        _ = rows.takeChanges()
        rows.markClean(keepingAtMost: 3)
        #expect(rows.cachedCount == 2)
        #expect(rows.cached("old-0") == .some("y") && rows.cached("new") == .some("z"))
        #expect(rows.cached("old-1") == nil, "unchanged in the last write: forgotten")
        // What stays is clean: nothing more to write.
        #expect(rows.takeChanges().isEmpty)
    }

    @Test func aRowTakenOutIsPutBackAndCountsAsChanged() throws {
        var read: [String] = []
        let rows = ProjectionRows<String> { key in
            read.append(key)
            return key == "stored" ? "old" : nil
        }
        // Read from the store, moved out (the cache holds nothing at its slot meanwhile), put back changed.
        var (slot, row) = try rows.take("stored")
        #expect(row == "old")
        #expect(rows.cached("stored") == .some(nil))
        row! += "+changed"
        rows.put(row, at: slot)
        #expect(rows.cached("stored") == .some("old+changed"))
        // Put back unchanged, it is still written: taking it out is a change.
        (slot, row) = try rows.take("stored")
        rows.put(row, at: slot)
        // New: not read; put back nil, nothing to write.
        (slot, row) = try rows.take("fresh", new: true)
        #expect(row == nil)
        rows.put(nil, at: slot)
        // Not cached and not new: read, and absent.
        (slot, row) = try rows.take("absent")
        #expect(row == nil)
        rows.put("made", at: slot)
        #expect(read == ["stored", "absent"])
        let changes = rows.takeChanges()
        #expect(changes.map(\.key) == ["stored", "absent"])
        #expect(changes.map(\.row) == ["old+changed", "made"])
    }
}
