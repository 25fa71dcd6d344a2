import Testing

@testable import Vigil
@testable import VigilBase

/// The catch-up read of `conversations.history` as a value: pages, cursors, the limit.
struct CatchUpPagesTests {
    private func message(_ ts: String) -> JSONValue { .object(["type": .string("message"), "ts": .string(ts)]) }

    /// Slack's answer for the messages `tss` (newest first, as Slack sends them).
    private func page(_ tss: [String]) -> [JSONValue] { tss.map(message) }

    private func tss(_ pages: CatchUpPages) -> [String] { pages.messagesOldestFirst.compactMap { $0["ts"]?.stringValue } }

    @Test func followsTheCursorOverShortPagesAndHandsOutOldestFirst() {
        var pages = CatchUpPages(limit: 200)
        #expect(pages.next == .fetch(cursor: nil, limit: 200))
        pages.add(page(["1700000007.000100", "1700000006.000100"]), nextCursor: "c1")
        #expect(pages.next == .fetch(cursor: "c1", limit: 198))
        pages.add(page(["1700000005.000100", "1700000004.000100"]), nextCursor: "c2")
        pages.add(page(["1700000003.000100"]), nextCursor: "")
        #expect(pages.next == .done)
        #expect(!pages.wasCutShort)
        #expect(pages.pagesRead == 3)
        #expect(tss(pages) == ["1700000003.000100", "1700000004.000100", "1700000005.000100", "1700000006.000100",
                               "1700000007.000100"])
    }

    @Test func theLimitKeepsTheNewestMessagesAndSaysItCutTheReadShort() {
        var pages = CatchUpPages(limit: 3)
        #expect(pages.next == .fetch(cursor: nil, limit: 3))
        pages.add(page(["1700000007.000100", "1700000006.000100"]), nextCursor: "c1")
        #expect(pages.next == .fetch(cursor: "c1", limit: 1))
        // Slack may hand out more than asked for: only what fits is kept, the newest of the page.
        pages.add(page(["1700000005.000100", "1700000004.000100"]), nextCursor: "c2")
        #expect(pages.next == .done)
        #expect(pages.wasCutShort)
        #expect(tss(pages) == ["1700000005.000100", "1700000006.000100", "1700000007.000100"])
        #expect(pages.oldestTS == "1700000005.000100")
    }

    @Test func reachingTheLimitExactlyOnTheLastPageIsNotCutShort() {
        var pages = CatchUpPages(limit: 2)
        pages.add(page(["1700000002.000100", "1700000001.000100"]), nextCursor: nil)
        #expect(pages.next == .done)
        #expect(!pages.wasCutShort)
    }

    @Test func aMessageOnTwoPagesCountsOnceAndARepeatedCursorEndsTheRead() {
        var pages = CatchUpPages(limit: 10)
        pages.add(page(["1700000003.000100", "1700000002.000100"]), nextCursor: "c1")
        pages.add(page(["1700000002.000100", "1700000001.000100"]), nextCursor: "c1")
        #expect(pages.next == .done)
        #expect(pages.count == 3)
    }

    @Test func timestampsAreOrderedNumerically() {
        var pages = CatchUpPages(limit: 10)
        pages.add(page(["1700000010.000001", "999999999.900000", "1700000009.999999"]), nextCursor: nil)
        #expect(tss(pages) == ["999999999.900000", "1700000009.999999", "1700000010.000001"])
    }

    @Test func limitZeroReadsNothing() {
        let pages = CatchUpPages(limit: 0)
        #expect(pages.next == .done)
    }
}
