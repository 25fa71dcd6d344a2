import Foundation
import Synchronization

@testable import SlackWebClient
@testable import Vigil
@testable import VigilBase

/// A recording test double of the Slack Web API boundary: every call is kept in order, posts get increasing ts
/// values, and `join` can be made to fail or to take (fake) time.
final class RecordingSlack: SlackMessaging {
    enum Call: Sendable, Equatable {
        case post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?, ts: String)
        case update(channel: String, ts: String, text: String, blocks: [JSONValue]?)
        case ephemeral(channel: String, user: String, text: String, threadTS: String?)
        case react(channel: String, ts: String, name: String)
        case join(channel: String)
        case openDirectMessage(user: String)
        case respond(url: String, payload: JSONValue)
    }

    struct Post: Equatable {
        var channel: String
        var text: String
        var blocks: [JSONValue]?
        var threadTS: String?
        var ts: String
    }

    struct Update: Equatable {
        var channel: String
        var ts: String
        var text: String
        var blocks: [JSONValue]?
    }

    struct Ephemeral: Equatable {
        var channel: String
        var user: String
        var text: String
        var threadTS: String?
    }

    struct JoinFailure: Error, CustomStringConvertible {
        var description: String { "method_not_supported_for_channel_type" }
    }

    private struct State {
        var calls: [Call] = []
        var nextTS = 1
        var failJoin = false
        var failOpenDirectMessage = false
        var onJoin: (@Sendable () -> Void)?
        var metadata: [String: VigilMessageMetadata] = [:]
        var threads: [String: [JSONValue]] = [:]
        var history: [JSONValue] = []
        var threadsRead: [String] = []
        /// Private channels and their members; every other channel is public.
        var privateChannels: [String: Set<String>] = [:]
        var memberLookups = 0
        var failMemberLookups = false
    }

    private let state = Mutex(State())

    /// Makes `join` throw.
    func failJoins() { state.withLock { $0.failJoin = true } }

    /// Runs `action` inside every `join` (e.g. to advance the test clock, as a slow Web API call would).
    func onJoin(_ action: @escaping @Sendable () -> Void) { state.withLock { $0.onJoin = action } }

    var calls: [Call] { state.withLock { $0.calls } }

    var posts: [Post] {
        calls.compactMap {
            if case .post(let channel, let text, let blocks, let threadTS, let ts) = $0 {
                return Post(channel: channel, text: text, blocks: blocks, threadTS: threadTS, ts: ts)
            }
            return nil
        }
    }

    var updates: [Update] {
        calls.compactMap {
            if case .update(let channel, let ts, let text, let blocks) = $0 {
                return Update(channel: channel, ts: ts, text: text, blocks: blocks)
            }
            return nil
        }
    }

    var ephemerals: [Ephemeral] {
        calls.compactMap {
            if case .ephemeral(let channel, let user, let text, let threadTS) = $0 {
                return Ephemeral(channel: channel, user: user, text: text, threadTS: threadTS)
            }
            return nil
        }
    }

    var responses: [(url: String, payload: JSONValue)] {
        calls.compactMap {
            if case .respond(let url, let payload) = $0 { return (url, payload) }
            return nil
        }
    }

    var joins: [String] {
        calls.compactMap {
            if case .join(let channel) = $0 { return channel }
            return nil
        }
    }

    var reactions: [String] {
        calls.compactMap {
            if case .react(_, _, let name) = $0 { return name }
            return nil
        }
    }

    /// Makes `channel` private with these members (`conversations.info` / `conversations.members`).
    func makePrivate(_ channel: String, members: Set<String>) {
        state.withLock { $0.privateChannels[channel] = members }
    }

    /// Makes channel privacy and member lookups throw.
    func failMemberLookups() { state.withLock { $0.failMemberLookups = true } }

    /// How many times privacy or members were looked up.
    var memberLookups: Int { state.withLock { $0.memberLookups } }

    struct LookupFailure: Error, CustomStringConvertible {
        var description: String { "ratelimited" }
    }

    func channelIsPrivate(channel: String) async throws -> Bool {
        try state.withLock { state in
            state.memberLookups += 1
            if state.failMemberLookups { throw LookupFailure() }
            return state.privateChannels[channel] != nil
        }
    }

    func channelMembers(channel: String) async throws -> Set<String> {
        try state.withLock { state in
            state.memberLookups += 1
            if state.failMemberLookups { throw LookupFailure() }
            return state.privateChannels[channel] ?? []
        }
    }

    /// Forgets the calls so far.
    func reset() { state.withLock { $0.calls = [] } }

    func post(
        channel: String,
        text: String,
        blocks: [JSONValue]?,
        threadTS: String?,
        priority: CallPriority
    ) async throws
        -> String
    {
        state.withLock { state in
            let ts = "1700009999.\(String(format: "%06d", state.nextTS))"
            state.nextTS += 1
            state.calls.append(.post(channel: channel, text: text, blocks: blocks, threadTS: threadTS, ts: ts))
            return ts
        }
    }

    /// Opens `D…` + the user id without its first letter (`U0BOB` → `D0BOB`), or fails when told to.
    func openDirectMessage(user: String) async throws -> String {
        try state.withLock { state in
            state.calls.append(.openDirectMessage(user: user))
            if state.failOpenDirectMessage { throw OpenFailure() }
            return "D" + user.dropFirst()
        }
    }

    struct OpenFailure: Error, CustomStringConvertible {
        var description: String { "cannot_dm_bot" }
    }

    /// Makes `openDirectMessage` throw.
    func failDirectMessageOpens() { state.withLock { $0.failOpenDirectMessage = true } }

    func update(channel: String, ts: String, text: String, blocks: [JSONValue]?) async throws {
        state.withLock { $0.calls.append(.update(channel: channel, ts: ts, text: text, blocks: blocks)) }
    }

    func postEphemeral(
        channel: String,
        user: String,
        text: String,
        blocks: [JSONValue]?,
        threadTS: String?
    ) async throws {
        state.withLock { $0.calls.append(.ephemeral(channel: channel, user: user, text: text, threadTS: threadTS)) }
    }

    func react(channel: String, ts: String, name: String) async throws {
        state.withLock { $0.calls.append(.react(channel: channel, ts: ts, name: name)) }
    }

    /// Records the post like ``post(channel:text:blocks:threadTS:priority:)`` and remembers its metadata by ts.
    func post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?, metadata: VigilMessageMetadata,
              priority: CallPriority) async throws -> String {
        let ts = try await post(channel: channel, text: text, blocks: blocks, threadTS: threadTS, priority: priority)
        state.withLock { $0.metadata[ts] = metadata }
        return ts
    }

    /// The metadata each tagged post carried, by ts.
    var metadata: [String: VigilMessageMetadata] { state.withLock { $0.metadata } }

    /// Sets what ``thread(channel:ts:)`` answers for the thread rooted at `ts`.
    func setThread(_ ts: String, messages: [JSONValue]) { state.withLock { $0.threads[ts] = messages } }

    /// Sets what ``historyPage(channel:oldest:limit:cursor:)`` answers (one page, whatever is asked).
    func setHistory(_ messages: [JSONValue]) { state.withLock { $0.history = messages } }

    /// The history set with ``setHistory(_:)``, else none, as one last page.
    func historyPage(channel: String, oldest: String?, limit: Int, cursor: String?) async throws
        -> (messages: [JSONValue], nextCursor: String?) { (state.withLock { $0.history }, nil) }

    /// The thread set with ``setThread(_:messages:)``, else empty; recorded in ``threadsRead``.
    func thread(channel: String, ts: String) async throws -> [JSONValue] {
        state.withLock { state in
            state.threadsRead.append(ts)
            return state.threads[ts] ?? []
        }
    }

    /// The roots of the threads read, in order.
    var threadsRead: [String] { state.withLock { $0.threadsRead } }

    func join(channel: String) async throws {
        let (fail, hook) = state.withLock { state in
            state.calls.append(.join(channel: channel))
            return (state.failJoin, state.onJoin)
        }
        hook?()
        if fail { throw JoinFailure() }
    }

    func respond(responseURL: String, payload: JSONValue) async throws {
        state.withLock { $0.calls.append(.respond(url: responseURL, payload: payload)) }
    }
}
