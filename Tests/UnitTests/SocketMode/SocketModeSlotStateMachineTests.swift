import Testing

@testable import SlackSocketMode

/// The slot's life without sockets: every state × every event, and what each accepted transition does.
struct SocketModeSlotStateMachineTests {
    typealias Machine = SocketModeSlotStateMachine<String, FixedRandom>
    typealias State = Machine.State
    typealias Event = Machine.Event
    typealias Signal = Machine.Signal

    /// Always the middle of the range: delays are `0.75 × ceiling`, reproducibly.
    struct FixedRandom: RandomNumberGenerator {
        mutating func next() -> UInt64 { UInt64.max / 2 }
    }

    struct OpenFailure: ConnectionOpenFailure, CustomStringConvertible {
        var retryAfter: Duration?
        var isFatal: Bool
        var description: String { "HTTP 429" }
    }

    static let backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(30))

    static func machine() -> Machine {
        Machine(connectionCount: 2, backoff: backoff, random: FixedRandom())
    }

    /// Feeds events that must all be accepted.
    static func fed(_ events: [Event], to machine: Machine = machine()) -> Machine {
        var machine = machine
        for event in events {
            guard machine.handle(event) != nil else {
                Issue.record("event \(event) refused in \(machine.state)")
                return machine
            }
        }
        return machine
    }

    static let signals: [Signal] = [
        .hello(numConnections: 2),
        .disconnectRequested(reason: "warning"),
        .disconnectRequested(reason: "refresh_requested"),
        .disconnectRequested(reason: "link_disabled"),
        .disconnectRequested(reason: "too_many_websockets"),
        .stale("no frame and no pong for 25.0s"),
        .ended(code: 1006, reason: "gone", duringShutdown: false),
        .ended(code: 1000, reason: "", duringShutdown: true),
        .failed("TLS handshake failed"),
        .finished,
    ]

    static let liveA: [Event] = [.start, .connectionOpened("A"), .signal(.hello(numConnections: 2), from: "A")]

    /// One path into every state.
    static let paths: [(State, [Event])] = [
        (.idle, []),
        (.connecting(candidate: nil), [.start]),
        (.connecting(candidate: "A"), [.start, .connectionOpened("A")]),
        (.backingOff(old: nil), [.start, .connectFailed(.retryable("unreachable", retryAfter: nil))]),
        (.live("A"), liveA),
        (.refreshing(old: "A", candidate: nil), liveA + [.signal(.disconnectRequested(reason: "warning"), from: "A")]),
        (.refreshing(old: "A", candidate: "B"),
         liveA + [.signal(.disconnectRequested(reason: "warning"), from: "A"), .connectionOpened("B")]),
        (.shedding("A"), liveA + [.signal(.disconnectRequested(reason: "too_many_websockets"), from: "A")]),
        (.backingOff(old: "A"),
         liveA + [.signal(.disconnectRequested(reason: "too_many_websockets"), from: "A"), .shedAnswered(false)]),
        (.shed, liveA + [.signal(.disconnectRequested(reason: "too_many_websockets"), from: "A"), .shedAnswered(true)]),
        (.stopped, liveA + [.shutdown]),
    ]

    /// Every event, with signals from the watched connections and from one the slot never had.
    static var events: [Event] {
        var events: [Event] = [
            .start, .backoffElapsed, .connectionOpened("C"),
            .connectFailed(.retryable("unreachable", retryAfter: nil)),
            .connectFailed(.fatal(.linkDisabled)),
            .shedAnswered(true), .shedAnswered(false), .shutdown,
        ]
        for from in ["A", "B", "Z"] {
            events += signals.map { Event.signal($0, from: from) }
        }
        return events
    }

    /// The specification of which events each state takes; everything else is refused and changes nothing.
    static func accepts(_ state: State, _ event: Event) -> Bool {
        switch (state, event) {
        case (.shed, _), (.stopped, _): false
        case (_, .shutdown): true
        case (.idle, .start): true
        case (.backingOff, .backoffElapsed): true
        case (.connecting(nil), .connectionOpened), (.connecting(nil), .connectFailed): true
        case (.refreshing(_, nil), .connectionOpened), (.refreshing(_, nil), .connectFailed): true
        case (.connecting(let candidate?), .signal(_, let from)): from == candidate
        case (.refreshing(_, let candidate?), .signal(_, let from)): from == candidate
        case (.live(let connection), .signal(_, let from)): from == connection
        case (.shedding, .shedAnswered): true
        default: false
        }
    }

    /// Feeds `event`, which must be accepted.
    static func take(_ machine: inout Machine, _ event: Event, sourceLocation: SourceLocation = #_sourceLocation) throws -> Machine.Transition {
        guard let transition = machine.handle(event) else {
            Issue.record("event \(event) refused in \(machine.state)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return transition
    }

    static func describe(_ step: Machine.Step) -> String {
        switch step {
        case .backOff(let delay, let attempt): "backOff(\(delay), attempt: \(attempt))"
        case .connect: "connect"
        case .awaitSignal(let connection): "await \(connection)"
        case .tryShedding: "tryShedding"
        case .finish: "finish"
        case .fail(let error): "fail: \(error)"
        }
    }

    // MARK: - Every state × every event

    @Test func thePathsReachEveryState() {
        for (state, path) in Self.paths {
            #expect(Self.fed(path).state == state)
        }
    }

    @Test(arguments: Self.paths.map(\.0))
    func everyEventIsTakenOrRefusedAsSpecified(_ state: State) throws {
        let path = try #require(Self.paths.first { $0.0 == state }?.1)
        for event in Self.events {
            var machine = Self.fed(path)
            let before = (machine.state, machine.attempt, machine.minimumDelay)
            let transition = machine.handle(event)
            #expect((transition != nil) == Self.accepts(state, event), "\(state) × \(event)")
            if transition == nil {
                #expect(machine.state == before.0, "\(state) × \(event) changed the state")
                #expect(machine.attempt == before.1 && machine.minimumDelay == before.2)
            }
        }
    }

    // MARK: - Connecting

    @Test func startConnectsAtOnce() throws {
        var machine = Self.machine()
        let transition = try Self.take(&machine, .start)
        #expect(transition.effects.isEmpty)
        #expect(Self.describe(transition.step) == "connect")
        #expect(machine.state == .connecting(candidate: nil))
    }

    @Test func anOpenedConnectionIsWatchedUntilHello() throws {
        var machine = Self.fed([.start])
        let opened = try Self.take(&machine, .connectionOpened("A"))
        #expect(opened.effects.isEmpty)
        #expect(Self.describe(opened.step) == "await A")
        let hello = try Self.take(&machine, .signal(.hello(numConnections: 3), from: "A"))
        #expect(hello.effects == [.reportLive("A", numConnections: 3)])
        #expect(Self.describe(hello.step) == "await A")
        #expect(machine.state == .live("A"))
    }

    @Test func failedAttemptsBackOffExponentiallyAndHelloResetsTheCount() throws {
        var machine = Self.fed([.start])
        var delays: [Duration] = []
        for attempt in 1...4 {
            let failed = try Self.take(&machine, .connectFailed(.retryable("unreachable", retryAfter: nil)))
            #expect(failed.effects == [.reportConnectFailure("unreachable")])
            guard case .backOff(let delay, let reported) = failed.step else {
                Issue.record("expected a backoff, got \(Self.describe(failed.step))")
                return
            }
            #expect(reported == attempt)
            let ceiling = Self.backoff.ceiling(forAttempt: attempt)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
            delays.append(delay)
            #expect(machine.state == .backingOff(old: nil))
            let elapsed = try Self.take(&machine, .backoffElapsed)
            #expect(Self.describe(elapsed.step) == "connect")
        }
        #expect(delays == delays.sorted() && Set(delays).count == 4)
        _ = machine.handle(.connectionOpened("A"))
        _ = machine.handle(.signal(.hello(numConnections: nil), from: "A"))
        #expect(machine.attempt == 0)
        #expect(machine.minimumDelay == .zero)
    }

    @Test func retryAfterIsTheMinimumDelayUntilALiveConnection() throws {
        var machine = Self.fed([.start])
        let failed = try Self.take(&machine, .connectFailed(.retryable("rate limited", retryAfter: .seconds(20))))
        #expect(Self.describe(failed.step) == "backOff(20.0 seconds, attempt: 1)")
        _ = machine.handle(.backoffElapsed)
        // An error without Retry-After keeps the minimum.
        let again = try Self.take(&machine, .connectFailed(.retryable("reset", retryAfter: nil)))
        #expect(Self.describe(again.step) == "backOff(20.0 seconds, attempt: 2)")
        _ = machine.handle(.backoffElapsed)
        // A ConnectionOpenFailure without Retry-After sets it back to zero.
        let third = try Self.take(&machine, .connectFailed(.retryable("503", retryAfter: .zero)))
        guard case .backOff(let delay, 3) = third.step else {
            Issue.record("expected a backoff, got \(Self.describe(third.step))")
            return
        }
        #expect(delay <= Self.backoff.ceiling(forAttempt: 3))
    }

    @Test func aFatalConnectFailureStopsTheSlot() throws {
        var machine = Self.fed([.start])
        let transition = try Self.take(&machine, .connectFailed(.fatal(.connectionOpenFailed("invalid_auth"))))
        #expect(transition.effects.isEmpty)
        #expect(Self.describe(transition.step) == "fail: apps.connections.open failed: invalid_auth")
        #expect(machine.state == .stopped)
    }

    @Test(arguments: [
        (Signal.stale("no hello within 10 seconds"), [Machine.Effect.abort("A"), .forget("A")],
         "Socket Mode handshake failed: no hello within 10 seconds; Vigil retries with backoff"),
        (.ended(code: 1006, reason: "gone", duringShutdown: false), [.forget("A")],
         "Socket Mode handshake failed: closed before hello (code 1006 gone); Vigil retries with backoff"),
        (.ended(code: 1000, reason: "", duringShutdown: true), [.forget("A")],
         "Socket Mode handshake failed: closed before hello (code 1000 ); Vigil retries with backoff"),
        (.failed("TLS handshake failed"), [.forget("A")],
         "Socket Mode handshake failed: TLS handshake failed; Vigil retries with backoff"),
        (.finished, [.forget("A")],
         "Socket Mode handshake failed: connection ended before hello; Vigil retries with backoff"),
    ])
    func aCandidateThatEndsBeforeHelloIsAFailedAttempt(signal: Signal, effects: [Machine.Effect], reason: String) throws {
        var machine = Self.fed([.start, .connectionOpened("A")])
        let transition = try Self.take(&machine, .signal(signal, from: "A"))
        #expect(transition.effects == effects + [.reportConnectFailure(reason)])
        #expect(machine.attempt == 1)
        #expect(machine.state == .backingOff(old: nil))
        #expect(Self.describe(transition.step).hasPrefix("backOff("))
    }

    @Test func aDisconnectBeforeHelloIsOnlyNoted() throws {
        var machine = Self.fed([.start, .connectionOpened("A")])
        let transition = try Self.take(&machine, .signal(.disconnectRequested(reason: "warning"), from: "A"))
        #expect(transition.effects == [.note(.disconnectBeforeHello(reason: "warning"))])
        #expect(Self.describe(transition.step) == "await A")
        #expect(machine.state == .connecting(candidate: "A"))
    }

    @Test func linkDisabledBeforeHelloStopsTheSlot() throws {
        var machine = Self.fed([.start, .connectionOpened("A")])
        let transition = try Self.take(&machine, .signal(.disconnectRequested(reason: "link_disabled"), from: "A"))
        #expect(transition.effects == [.close("A", reason: ""), .forget("A")])
        #expect(Self.describe(transition.step) == "fail: \(SocketModeError.linkDisabled)")
        #expect(machine.state == .stopped)
    }

    // MARK: - Live

    @Test func anotherHelloOnALiveConnectionChangesNothing() throws {
        var machine = Self.fed(Self.liveA)
        let transition = try Self.take(&machine, .signal(.hello(numConnections: 2), from: "A"))
        #expect(transition.effects.isEmpty)
        #expect(Self.describe(transition.step) == "await A")
        #expect(machine.state == .live("A"))
    }

    @Test(arguments: ["warning", "refresh_requested", "socket_mode_restart"])
    func aDisconnectRequestOpensTheReplacementFirst(reason: String) throws {
        var machine = Self.fed(Self.liveA)
        let refresh = try Self.take(&machine, .signal(.disconnectRequested(reason: reason), from: "A"))
        #expect(refresh.effects == [.note(.refreshRequested(reason: reason)), .countReconnect(reason: reason)])
        #expect(Self.describe(refresh.step) == "connect")
        #expect(machine.state == .refreshing(old: "A", candidate: nil))

        let opened = try Self.take(&machine, .connectionOpened("B"))
        #expect(Self.describe(opened.step) == "await B")
        let hello = try Self.take(&machine, .signal(.hello(numConnections: 3), from: "B"))
        #expect(hello.effects == [.reportLive("B", numConnections: 3), .retireReplaced("A")])
        #expect(Self.describe(hello.step) == "await B")
        #expect(machine.state == .live("B"))
    }

    @Test func aFailedReplacementKeepsTheOldConnectionAndRetries() throws {
        var machine = Self.fed(Self.liveA + [.signal(.disconnectRequested(reason: "warning"), from: "A")])
        let failed = try Self.take(&machine, .connectFailed(.retryable("unreachable", retryAfter: nil)))
        #expect(failed.effects == [.reportConnectFailure("unreachable")])
        #expect(machine.state == .backingOff(old: "A"))
        _ = machine.handle(.backoffElapsed)
        #expect(machine.state == .refreshing(old: "A", candidate: nil))
        _ = machine.handle(.connectionOpened("B"))
        let ended = try Self.take(&machine, .signal(.ended(code: 1006, reason: "", duringShutdown: false), from: "B"))
        #expect(ended.effects.first == .forget("B"))
        #expect(machine.state == .backingOff(old: "A"))
    }

    @Test func linkDisabledWhileRefreshingForgetsBothConnections() throws {
        var machine = Self.fed(Self.liveA + [.signal(.disconnectRequested(reason: "warning"), from: "A"),
                                             .connectionOpened("B")])
        let transition = try Self.take(&machine, .signal(.disconnectRequested(reason: "link_disabled"), from: "B"))
        #expect(transition.effects == [.close("B", reason: ""), .forget("B"), .forget("A")])
        #expect(Self.describe(transition.step) == "fail: \(SocketModeError.linkDisabled)")
    }

    @Test func aFatalFailureWhileRefreshingForgetsTheOldConnection() throws {
        var machine = Self.fed(Self.liveA + [.signal(.disconnectRequested(reason: "warning"), from: "A")])
        let transition = try Self.take(&machine, .connectFailed(.fatal(.connectionOpenFailed("token_revoked"))))
        #expect(transition.effects == [.forget("A")])
        #expect(machine.state == .stopped)
    }

    @Test func linkDisabledWhileLiveStopsTheSlot() throws {
        var machine = Self.fed(Self.liveA)
        let transition = try Self.take(&machine, .signal(.disconnectRequested(reason: "link_disabled"), from: "A"))
        #expect(transition.effects == [.note(.linkDisabled), .close("A", reason: ""), .forget("A")])
        #expect(Self.describe(transition.step) == "fail: \(SocketModeError.linkDisabled)")
        #expect(machine.state == .stopped)
    }

    @Test(arguments: [
        (Signal.stale("no frame and no pong for 25.0s"),
         [Machine.Effect.note(.stale(reason: "no frame and no pong for 25.0s")), .abort("A"), .forget("A"),
          .countReconnect(reason: "stale")]),
        (.ended(code: 1006, reason: "gone", duringShutdown: false),
         [.forget("A"), .note(.closed(code: 1006, reason: "gone")), .countReconnect(reason: "closed")]),
        (.ended(code: 1001, reason: "shutting down", duringShutdown: true), [.forget("A")]),
        (.failed("reset by peer"), [.forget("A"), .note(.failed("reset by peer")), .countReconnect(reason: "failed")]),
        (.finished, [.forget("A")]),
    ])
    func aLostConnectionIsReplacedAtOnce(signal: Signal, effects: [Machine.Effect]) throws {
        var machine = Self.fed(Self.liveA)
        let transition = try Self.take(&machine, .signal(signal, from: "A"))
        #expect(transition.effects == effects)
        #expect(Self.describe(transition.step) == "connect")
        #expect(machine.state == .connecting(candidate: nil))
    }

    @Test func aLostConnectionAfterFailuresStillBacksOffFromZero() throws {
        // hello reset the attempts, so the replacement of a live connection is immediate.
        var machine = Self.fed([.start, .connectFailed(.retryable("x", retryAfter: .seconds(5))), .backoffElapsed,
                                .connectionOpened("A"), .signal(.hello(numConnections: nil), from: "A")])
        let transition = try Self.take(&machine, .signal(.failed("reset"), from: "A"))
        #expect(Self.describe(transition.step) == "connect")
    }

    // MARK: - Too many WebSockets

    @Test func tooManyWebSocketsClosesAndShedsWhenAllowed() throws {
        var machine = Self.fed(Self.liveA)
        let asked = try Self.take(&machine, .signal(.disconnectRequested(reason: "too_many_websockets"), from: "A"))
        #expect(asked.effects == [.close("A", reason: "")])
        #expect(Self.describe(asked.step) == "tryShedding")
        let shed = try Self.take(&machine, .shedAnswered(true))
        #expect(shed.effects == [.note(.shedding), .forget("A")])
        #expect(Self.describe(shed.step) == "finish")
        #expect(machine.state == .shed)
    }

    @Test func tooManyWebSocketsOnTheLastSlotBacksOffFromAttemptThree() throws {
        var machine = Self.fed(Self.liveA + [.signal(.disconnectRequested(reason: "too_many_websockets"), from: "A")])
        let kept = try Self.take(&machine, .shedAnswered(false))
        #expect(kept.effects == [.note(.tooManyWebSocketsBackingOff)])
        guard case .backOff(let delay, 3) = kept.step else {
            Issue.record("expected a backoff at attempt 3, got \(Self.describe(kept.step))")
            return
        }
        #expect(delay >= Self.backoff.ceiling(forAttempt: 3) / 2)
        #expect(machine.state == .backingOff(old: "A"))
        _ = machine.handle(.backoffElapsed)
        _ = machine.handle(.connectionOpened("B"))
        let hello = try Self.take(&machine, .signal(.hello(numConnections: 1), from: "B"))
        #expect(hello.effects == [.reportLive("B", numConnections: 1), .retireReplaced("A")])
    }

    // MARK: - Shutdown

    @Test(arguments: [
        (State.idle, [Machine.Effect]()),
        (.connecting(candidate: nil), []),
        (.connecting(candidate: "A"), [.close("A", reason: "shutting down"), .forget("A")]),
        (.backingOff(old: nil), []),
        (.backingOff(old: "A"), [.close("A", reason: "shutting down"), .forget("A")]),
        (.live("A"), [.close("A", reason: "shutting down"), .forget("A")]),
        (.refreshing(old: "A", candidate: nil), [.close("A", reason: "shutting down"), .forget("A")]),
        (.refreshing(old: "A", candidate: "B"),
         [.close("A", reason: "shutting down"), .forget("A"), .close("B", reason: "shutting down"), .forget("B")]),
        (.shedding("A"), [.forget("A")]),
    ])
    func shutdownClosesWhatTheSlotHoldsAndFinishes(state: State, effects: [Machine.Effect]) throws {
        let path = try #require(Self.paths.first { $0.0 == state }?.1)
        var machine = Self.fed(path)
        let transition = try Self.take(&machine, .shutdown)
        #expect(transition.effects == effects)
        #expect(Self.describe(transition.step) == "finish")
        #expect(machine.state == .stopped)
    }

    // MARK: - Classifying connect errors

    @Test func connectErrorsAreClassified() {
        func describe(_ failure: Machine.ConnectFailure) -> String {
            switch failure {
            case .fatal(let error): "fatal: \(error)"
            case .retryable(let reason, let retryAfter): "retry: \(reason) after \(retryAfter.map { "\($0)" } ?? "-")"
            }
        }
        #expect(describe(Machine.classify(SocketModeError.linkDisabled)) == "fatal: \(SocketModeError.linkDisabled)")
        #expect(describe(Machine.classify(SocketModeError.handshakeFailed("x")))
                == "retry: Socket Mode handshake failed: x; Vigil retries with backoff after -")
        #expect(describe(Machine.classify(OpenFailure(retryAfter: .seconds(7), isFatal: false)))
                == "retry: HTTP 429 after 7.0 seconds")
        #expect(describe(Machine.classify(OpenFailure(retryAfter: nil, isFatal: false))) == "retry: HTTP 429 after 0.0 seconds")
        #expect(describe(Machine.classify(OpenFailure(retryAfter: nil, isFatal: true)))
                == "fatal: apps.connections.open failed: HTTP 429")
        #expect(describe(Machine.classify(CancellationError())) == "retry: CancellationError() after -")
    }
}
