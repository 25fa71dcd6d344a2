@testable import VigilStorage
@testable import VigilBase
import Foundation
import Testing


/// Moving a channel's catch-up cursor back before a post whose handling failed on the store.
@Suite("Cursor rewind for owed posts")
struct CursorRewindTests {
    let ws = StoreFixtures.workspace

    @Test("The ts one microsecond earlier, with borrows and short fractions")
    func justBefore() {
        #expect(SlackTimestamp.justBefore("1700000000.000100") == "1700000000.000099")
        #expect(SlackTimestamp.justBefore("1700000000.000000") == "1699999999.999999")
        #expect(SlackTimestamp.justBefore("1700000000.5") == "1700000000.499999")
        #expect(SlackTimestamp.justBefore("1700000001") == "1700000000.999999")
        #expect(SlackTimestamp.justBefore("not-a-ts") == nil)
        #expect(SlackTimestamp.justBefore("0.000000") == nil)
    }

    @Test("Rewinds only backwards, sets a missing cursor, and catch-up then starts before the owed post")
    func rewind() async throws {
        let store = try await StoreFixtures.inMemory()
        let channel = StoreFixtures.channel
        #expect(try await store.rewindCursor(workspace: ws, channel: channel, before: "1700000100.000200", at: StoreFixtures.t0))
        #expect(try await store.cursor(workspace: ws, channel: channel) == "1700000100.000199")
        try await store.advanceCursor(workspace: ws, channel: channel, to: "1700000300.000000", at: StoreFixtures.t0)
        #expect(try await store.rewindCursor(workspace: ws, channel: channel, before: "1700000200.000000", at: StoreFixtures.t0))
        #expect(try await store.cursor(workspace: ws, channel: channel) == "1700000199.999999")
        // A later owed post does not move it forward again.
        #expect(try await store.rewindCursor(workspace: ws, channel: channel, before: "1700000250.000000", at: StoreFixtures.t0) == false)
        #expect(try await store.cursor(workspace: ws, channel: channel) == "1700000199.999999")
        // Other channels and workspaces are untouched.
        #expect(try await store.cursor(workspace: StoreFixtures.otherWorkspace, channel: channel) == nil)
    }
}
