import CHostSupport

/// The C allocator's per-thread arenas.
///
/// glibc gives every thread that allocates an arena of its own (up to 8 per core), and each keeps its own partly
/// used pages. Vigil's threads are few and mostly idle (the libwebsockets and libcurl threads, the cooperative
/// pool), so two arenas are plenty: ≈ 0.5 MiB less idle RSS, while glibc's per-thread caches keep small
/// allocations lock-free.
public enum MallocArenas {
    /// Caps the arenas at `count`, unless `MALLOC_ARENA_MAX` is set (the environment wins). Call first thing in
    /// `main`, before any thread starts.
    ///
    /// - Returns: Whether the cap was set.
    @discardableResult
    public static func limit(to count: Int32 = 2) -> Bool {
        chs_limit_malloc_arenas(count) == 1
    }
}
