import Synchronization

/// Lock-free generator for the simulator's identifiers (envelope ids, event ids, tickets, trigger ids, …).
///
/// Each simulator instance draws a random prefix so ids from two simulators never collide; the rest is a counter,
/// so ids are unique and cheap enough for benchmark bursts.
final class SimulatorIDGenerator: Sendable {
    private let counter = Atomic<UInt64>(0)
    private let envelopePrefix: String
    private let eventPrefix: String
    private let randomTag: String

    /// A generator with a fresh random prefix.
    init() {
        func hex(_ value: UInt64, width: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let a = UInt64.random(in: 0...UInt64(UInt32.max))
        let b = UInt64.random(in: 0...0xFFFF)
        let c = UInt64.random(in: 0...0x0FFF) | 0x4000
        let d = UInt64.random(in: 0...0x3FFF) | 0x8000
        self.envelopePrefix = "\(hex(a, width: 8))-\(hex(b, width: 4))-\(hex(c, width: 4))-\(hex(d, width: 4))-"
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        self.eventPrefix = "Ev" + String((0..<3).map { _ in alphabet.randomElement()! })
        self.randomTag = hex(UInt64.random(in: 0...UInt64(UInt32.max)), width: 8)
    }

    private func next() -> UInt64 {
        self.counter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// A UUID-shaped envelope id.
    func envelopeID() -> String {
        self.envelopePrefix + Self.pad(String(self.next(), radix: 16), 12)
    }

    /// An `Ev…` event id (12 characters, like Slack's).
    func eventID() -> String {
        self.eventPrefix + Self.pad(String(self.next(), radix: 36, uppercase: true), 7)
    }

    /// A single-use Socket Mode ticket.
    func ticket() -> String {
        "sim-\(self.randomTag)-\(Self.pad(String(self.next(), radix: 16), 8))"
    }

    /// A `trigger_id` shaped like Slack's (`<digits>.<digits>.<hex>`).
    func triggerID() -> String {
        let n = self.next()
        return "\(1_000_000_000 + n).\(4_000_000_000 + n).\(self.randomTag)\(Self.pad(String(n, radix: 16), 8))"
    }

    /// A response-URL id.
    func responseID() -> String {
        "\(self.randomTag)\(Self.pad(String(self.next(), radix: 16), 8))"
    }

    /// A request id for `x-slack-req-id`.
    func requestID() -> String {
        "sim-\(self.randomTag)-\(self.next())"
    }

    /// A view id (`V…`).
    func viewID() -> String {
        "V0SIM" + Self.pad(String(self.next(), radix: 36, uppercase: true), 6)
    }
}
