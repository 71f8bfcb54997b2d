import Dispatch

/// Frees large values (a chunk's parsed events, a view's evicted cache, its
/// encoded rows) on a background thread, so that a catch-up's writer, the
/// thread every chunk waits on, does not spend its time in `free`.
///
/// Values are freed in the order they were handed over, one after another:
/// at most one thread's worth of CPU goes to it.
public enum Reclaimer {
    private static let queue = DispatchQueue(label: "parley-reclaim", qos: .utility)

    /// Frees `value` later, on the reclaimer's thread (unless another reference keeps it).
    public static func free<T>(_ value: consuming T) {
        let handover = Handover(value)
        queue.async { _ = handover.take() }
    }
}
