// libFuzzer's entry point, shared by every target; each target's main.swift
// defines `fuzz(_:)`.

/// One input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzz(UnsafeBufferPointer(start: data, count: size))
    return 0
}
