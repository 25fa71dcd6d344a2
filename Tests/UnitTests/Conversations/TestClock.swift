import Foundation
import Synchronization

/// A wall clock the test moves by hand.
final class TestClock: Sendable {
    private let date: Mutex<Date>

    init(_ start: Date = ConversationFixtures.t0) { date = Mutex(start) }

    var now: @Sendable () -> Date { { self.date.withLock { $0 } } }

    func advance(seconds: Double) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
