import Testing
import VigilDaemon

#if canImport(Glibc)
import Glibc
#endif

/// The allocator cap set at the start of `vigil`.
struct MallocArenasTests {
    @Test func capsTheArenasUnlessTheEnvironmentDecides() {
        #if canImport(Glibc)
        // glibc accepts the setting at any time (it only applies to arenas not made yet); an admin's
        // MALLOC_ARENA_MAX in the environment is left to glibc.
        let environmentDecides = getenv("MALLOC_ARENA_MAX") != nil
        #expect(MallocArenas.limit(to: 2) == !environmentDecides)
        #else
        #expect(MallocArenas.limit(to: 2) == false)
        #endif
    }
}
