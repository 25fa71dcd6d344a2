import Foundation
import Metrics
import Synchronization
import VigilBase

/// What every workspace reports about itself, gathered for systemd's `STATUS=`, the watchdog, `/vigil status` and
/// metrics.
public final class HealthBoard: Sendable {
    /// One workspace's health.
    public struct WorkspaceHealth: Sendable, Equatable {
        public var liveConnections = 0
        public var reconnects = 0
        public var openIncidents = 0
        /// `nil` while unknown; `false` once `auth.test` said the token is revoked or invalid.
        public var tokenHealthy: Bool?
        /// Why the workspace stopped working, when it did.
        public var failure: String?
        /// Why the workspace is waiting for Slack (unreachable, 5xx, rate limited, Slack's transient errors) while it
        /// retries with backoff; `nil` once Slack answered.
        public var waitingForSlack: String?
        /// Since when the workspace has been waiting for Slack.
        public var waitingSince: Date?
        /// The last outage of Slack this workspace waited through, for `/vigil status` once back.
        public var lastSlackOutage: Outage?

        public init() {}

        /// Whether this workspace can still work (its tokens were not rejected and it did not stop).
        public var isWorking: Bool { tokenHealthy != false && failure == nil }
    }

    /// A stretch of time during which Slack or the store was unavailable and Vigil retried.
    public struct Outage: Sendable, Equatable {
        /// What was unavailable: `Slack`, `the store`.
        public var subject: String
        public var since: Date
        public var until: Date
        public var reason: String

        /// One line for `/vigil status`, e.g. `Slack was unavailable for 72 s (until 10:04:05 UTC): HTTP 503`.
        public var summary: String {
            let seconds = Int(until.timeIntervalSince(since).rounded())
            return "\(subject) was unavailable for \(seconds) s (until \(Self.clock(until)) UTC): \(reason)"
        }

        private static func clock(_ date: Date) -> String {
            let seconds = Int(date.timeIntervalSince1970) % 86_400
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60))"
        }
    }

    private struct State {
        var workspaces: [String: WorkspaceHealth] = [:]
        var everLive = false
        /// Why the store is failing (disk full, I/O error) while writes are retried; `nil` when healthy.
        var storeProblem: String?
        var storeProblemSince: Date?
        var lastStoreOutage: Outage?
        var readyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Updates one workspace's entry.
    public func update(_ workspace: String, _ change: (inout WorkspaceHealth) -> Void) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            var health = state.workspaces[workspace] ?? WorkspaceHealth()
            change(&health)
            state.workspaces[workspace] = health
            guard !state.everLive, health.liveConnections > 0 || health.waitingForSlack != nil else { return [] }
            state.everLive = true
            defer { state.readyWaiters = [:] }
            return Array(state.readyWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Records that `workspace` waits for Slack (`reason`) or that Slack answers again (`nil`); the end of a wait is
    /// kept as the workspace's last outage.
    public func setWaitingForSlack(_ workspace: String, _ reason: String?, now: Date = Date()) {
        update(workspace) { health in
            switch (health.waitingForSlack, reason) {
            case (nil, let reason?):
                health.waitingSince = now
                health.waitingForSlack = reason
            case (let previous?, nil):
                health.lastSlackOutage = Outage(subject: "Slack", since: health.waitingSince ?? now, until: now, reason: previous)
                health.waitingForSlack = nil
                health.waitingSince = nil
            case (_?, let reason?):
                health.waitingForSlack = reason
            case (nil, nil):
                break
            }
        }
    }

    /// A copy of every workspace's entry.
    public var snapshot: [String: WorkspaceHealth] { state.withLock { $0.workspaces } }

    /// Total live Socket Mode connections.
    public var liveConnections: Int { snapshot.values.reduce(0) { $0 + $1.liveConnections } }

    /// Whether some workspace is working and has a live connection now.
    public var isHealthy: Bool { snapshot.values.contains { $0.isWorking && $0.liveConnections > 0 } }

    /// Why the store is failing, or `nil` when its writes succeed.
    public var storeProblem: String? { state.withLock { $0.storeProblem } }

    /// The last time the store failed and recovered, as one line for `/vigil status`.
    public var lastStoreOutage: String? {
        state.withLock { $0.lastStoreOutage?.summary }
    }

    /// Records that store writes fail (`problem`) or work again (`nil`); also the `vigil_store_healthy` gauge.
    public func setStoreProblem(_ problem: String?, now: Date = Date()) {
        state.withLock { state in
            if problem != nil, state.storeProblem == nil { state.storeProblemSince = now }
            if problem == nil, let previous = state.storeProblem {
                state.lastStoreOutage = Outage(subject: "the store", since: state.storeProblemSince ?? now, until: now, reason: previous)
            }
            state.storeProblem = problem
        }
        Gauge(label: "vigil_store_healthy").record(problem == nil ? 1 : 0)
    }

    /// Whether every workspace has stopped working (the process should then exit 78).
    public var allWorkspacesFailed: Bool {
        let workspaces = snapshot.values
        return !workspaces.isEmpty && workspaces.allSatisfy { !$0.isWorking }
    }

    /// One line for systemd's `STATUS=`, e.g. `2 connections live · 3 open incidents`.
    public var statusLine: String {
        let workspaces = snapshot
        let live = workspaces.values.reduce(0) { $0 + $1.liveConnections }
        let incidents = workspaces.values.reduce(0) { $0 + $1.openIncidents }
        var line = "\(live) connection\(live == 1 ? "" : "s") live · \(incidents) open incident\(incidents == 1 ? "" : "s")"
        let failed = workspaces.filter { !$0.value.isWorking }.keys.sorted()
        if !failed.isEmpty { line += " · not working: \(failed.joined(separator: ", "))" }
        let waiting = workspaces.filter { $0.value.isWorking && $0.value.waitingForSlack != nil }.sorted { $0.key < $1.key }
        if let first = waiting.first, let reason = first.value.waitingForSlack {
            let who = waiting.count == 1 ? "" : " (\(waiting.map(\.key).joined(separator: ", ")))"
            line = "waiting for Slack\(who): \(reason) · " + line
        }
        if let storeProblem { line += " · store failing: \(storeProblem)" }
        return line
    }

    /// Returns once the worker is up: a workspace had its first live connection (Slack's first `hello`) or is
    /// waiting for Slack and retrying (the process works; systemd's start timeout must not kill it while Slack is
    /// away), or when the calling task is cancelled.
    public func waitUntilStarted() async {
        let ticket = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.everLive || Task.isCancelled { return true }
                    state.readyWaiters[ticket] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.readyWaiters.removeValue(forKey: ticket) }?.resume()
        }
    }
}
