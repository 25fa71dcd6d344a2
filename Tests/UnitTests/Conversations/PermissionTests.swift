@testable import VigilStorage
@testable import Vigil
import Foundation
import Synchronization
import Testing


struct PermissionTests {
    typealias F = ConversationFixtures

    final class CountingResolver: UserGroupResolver {
        let calls = Mutex(0)
        let members: [String: Set<String>]
        let fail: Bool

        init(_ members: [String: Set<String>], fail: Bool = false) {
            self.members = members
            self.fail = fail
        }

        struct Down: Error {}

        func members(ofUserGroup groupID: String) async throws -> Set<String> {
            calls.withLock { $0 += 1 }
            if fail { throw Down() }
            return members[groupID] ?? []
        }
    }

    static let oncall = ConversationSettings(permissions: .init(ack: Audience(userGroupIDs: ["S0ONCALL"])))

    @Test func userGroupMembersAreAllowedAndLookupsAreCached() async throws {
        let resolver = CountingResolver(["S0ONCALL": [F.alice]])
        let h = try await ConversationHarness.make(settings: Self.oncall, userGroups: resolver)
        let first = try await h.openIncident()
        let second = try await h.openIncident(F.alert(name: "DiskFull", host: "db-1"), rootTS: "1700000010.000100")
        await h.service.handleMessage(
            h.mention("ack", thread: second.rootTS, ts: "1700000500.000100", user: F.bob),
            isMention: true
        )
        await h.service.handleMessage(h.mention("ack", thread: first.rootTS, ts: "1700000501.000100"), isMention: true)
        await h.service.handleMessage(h.mention("ack", thread: second.rootTS, ts: "1700000502.000100"), isMention: true)
        #expect(try await h.incident(first.id).acknowledgedBy == F.alice)
        #expect(try await h.incident(second.id).acknowledgedBy == F.alice)
        #expect(h.slack.ephemerals.count == 1)
        #expect(h.slack.ephemerals[0].user == F.bob)
        #expect(resolver.calls.withLock { $0 } == 1)
        // After the cache time-to-live the group is asked again.
        h.clock.advance(seconds: 301)
        await h.service.handleMessage(
            h.mention("status", thread: first.rootTS, ts: "1700000503.000100"),
            isMention: true
        )
        await h.service.handleMessage(
            h.mention("ack", thread: second.rootTS, ts: "1700000504.000100", user: F.bob),
            isMention: true
        )
        #expect(resolver.calls.withLock { $0 } == 2)
    }

    @Test func failedLookupRefusesWithARetryHint() async throws {
        let h = try await ConversationHarness.make(settings: Self.oncall, userGroups: CountingResolver([:], fail: true))
        let incident = try await h.openIncident()
        await h.service.handleMessage(h.mention("ack", thread: incident.rootTS), isMention: true)
        #expect(try await h.incident(incident.id).status == .open)
        #expect(h.slack.ephemerals.first?.text.contains("couldn't check your user groups") == true)
    }

    @Test func settingsFromTheConfigurationKeepRerunOpen() {
        let permissions = PermissionsConfiguration(ack: .nobody, watch: Audience(userIDs: [F.alice]))
        #expect(permissions.ack == .nobody)
        #expect(permissions.watch == Audience(userIDs: [F.alice]))
        #expect(permissions.rerun == .everyone)
        #expect(permissions.approve == .nobody)
        let defaults = ConversationSettings()
        #expect(defaults.slashCommand == "/vigil")
        #expect(defaults.approvalTimeout == .seconds(1800))
        #expect(defaults.permissions.silence == .everyone)
        #expect(defaults.permissions.watch == .nobody)
    }
}
