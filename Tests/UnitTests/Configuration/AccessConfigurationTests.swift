import Foundation
import Testing

@testable import Vigil
@testable import VigilDaemon

/// The configuration keys of issue 14, items 1–3: `permissions.audit`, `permissions.other_teams`,
/// `approvals.allow_self_approval`, `limits.max_silence` and `limits.silence_pattern_min_literals`.
struct AccessConfigurationTests {
    @Test func keysAreReadAndReachTheConversationSettings() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load(
                """
                workspaces:
                  - name: ops
                    permissions:
                      approve: [S0123ONCALL]
                      audit: [U0123ALICE, S0123ONCALL]
                      other_teams: [W0123GUEST]
                    approvers: [U0123ALICE]
                    approvals:
                      allow_self_approval: true
                limits:
                  max_silence: 2d
                  silence_pattern_min_literals: 6
                """)
            let workspace = try #require(configuration.workspaces.first)
            #expect(workspace.permissions.audit == Audience(userIDs: ["U0123ALICE"], userGroupIDs: ["S0123ONCALL"]))
            #expect(workspace.permissions.otherTeams == Audience(userIDs: ["W0123GUEST"]))
            #expect(workspace.allowSelfApproval)
            #expect(configuration.limits.maxSilence == .seconds(2 * 86_400))
            #expect(configuration.limits.silencePatternMinLiterals == 6)
            let settings = VigilApplication.workspaceConfiguration(workspace, in: configuration, tokenCheckInterval: .seconds(60)).conversations
            #expect(settings.maximumSilence == .seconds(2 * 86_400))
            #expect(settings.silencePatternMinLiterals == 6)
            #expect(settings.allowSelfApproval)
            #expect(settings.permissions.otherTeams == Audience(userIDs: ["W0123GUEST"]))
        }
    }

    @Test func defaultsAreClosed() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let configuration = try await sandbox.load("workspaces:\n  - name: ops\n")
            let workspace = try #require(configuration.workspaces.first)
            #expect(workspace.permissions.audit == .nobody)
            #expect(workspace.permissions.otherTeams == .nobody)
            #expect(!workspace.allowSelfApproval)
            #expect(configuration.limits.maxSilence == .seconds(7 * 86_400))
            #expect(configuration.limits.silencePatternMinLiterals == 4)
        }
    }

    @Test(arguments: [
        ("limits:\n  max_silence: 120d\n", "limits.max_silence", "from 1h to 90d"),
        ("limits:\n  silence_pattern_min_literals: 0\n", "limits.silence_pattern_min_literals", "from 1 to 64"),
        (
            "workspaces:\n  - name: ops\n    approvals:\n      allow_self_approval: sometimes\n",
            "workspaces[0].approvals.allow_self_approval", "true or false"
        ),
        (
            "workspaces:\n  - name: ops\n    permissions:\n      other_teams: [partner]\n",
            "workspaces[0].permissions.other_teams[0]", "user ID"
        ),
    ])
    func problemsNameTheirKey(_ yaml: String, _ key: String, _ mentions: String) async throws {
        try await ConfigurationSandbox.with { sandbox in
            let errors = await sandbox.problems(yaml)
            let error = errors.errors.first { $0.key == key }
            #expect(error != nil, "got \(errors.keys)")
            #expect(error?.problem.contains(mentions) == true, "\(String(describing: error))")
        }
    }
}
