import Configuration
import Foundation
import Testing

@testable import VigilBase
@testable import VigilDaemon

struct ConfigurationPrimitivesTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("15m", .seconds(900)), ("1h", .seconds(3_600)),
        ("1h30m", .seconds(5_400)), ("90d", .seconds(90 * 86_400)), ("0s", .zero),
    ])
    func durationsParse(_ text: String, _ expected: Duration) {
        #expect(Duration(configurationText: text) == expected)
        #expect(Duration(configurationText: text)?.configurationText == (text == "0s" ? "0s" : text))
    }

    @Test(arguments: ["", "10", "1.5h", "1 h", "-5m", "5M", "1w", "h", "30m1h", "1h1h", "abc", "10s ", "9999999999d"])
    func garbageDurationsAreRefused(_ text: String) {
        #expect(Duration(configurationText: text) == nil)
    }

    @Test func secretValueNeverShowsItself() {
        let secret = SecretValue(" xoxb-test-secret\n")
        #expect(secret.reveal() == "xoxb-test-secret")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [secret.description, secret.debugDescription, "\(secret)", String(reflecting: secret), dumped] {
            #expect(!text.contains("xoxb"))
        }
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test(arguments: [
        ("xoxb-1", true), ("XOXB-1", true), ("xapp-1-A", true), ("Bearer xoxp-123", true), ("xoxe.xoxp-1", true),
        ("xox", false), ("C0123", false), ("https://slack.com/api/", false), ("xo-xb", false),
    ])
    func tokensAreRecognised(_ text: String, _ isToken: Bool) {
        #expect(SecretValue.containsSlackToken(text) == isToken)
    }

    @Test(arguments: [
        ("127.0.0.1:9464", true), ("127.0.0.53:1", true), ("[::1]:9464", true), ("0.0.0.0:9464", false),
        ("10.0.0.1:9464", false), ("[::]:9464", false), ("::1:9464", false), ("127.0.0.1:0", false),
        ("127.0.0.1:70000", false), ("localhost:9464", false), (":9464", false),
    ])
    func metricsListenMustBeLoopback(_ text: String, _ accepted: Bool) {
        let result = MetricsConfiguration.parse(text)
        if case .success(let value) = result {
            #expect(accepted)
            #expect(value.listen == text)
        } else {
            #expect(!accepted)
        }
    }

    @Test func unknownKeySuggestions() {
        #expect(
            ConfigurationSchema.closestMatch(to: "alert_chanels", in: ["alert_channels", "approvers"])
                == "alert_channels")
        #expect(ConfigurationSchema.closestMatch(to: "zzz", in: ["ack", "watch"]) == nil)
        #expect(
            ConfigurationSchema.unknownKeyProblem("zzz", known: ["b", "a"]) == "unknown key; expected one of: a, b")
    }

    /// A `FileProvider` for `path`, built through the library's `init(config:)` so the tests need no `FilePath`
    /// (swift-system) import.
    static func fileProvider<Snapshot: FileConfigSnapshot>(
        _ type: Snapshot.Type, path: String
    ) async throws -> FileProvider<Snapshot> {
        try await FileProvider<Snapshot>(
            config: ConfigReader(
                provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)])))
    }

    /// Why Vigil has its own snapshot: swift-configuration 1.4.0's YAMLSnapshot cannot load a list of sections.
    /// If this starts to fail, the library gained support; consider switching back to `YAMLSnapshot`.
    @Test func libraryYAMLSnapshotRejectsListsOfSections() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let path = try sandbox.write("lists.yaml", "workspaces:\n  - name: ops\n")
            await #expect(throws: (any Error).self) {
                _ = try await Self.fileProvider(YAMLSnapshot.self, path: path)
            }
        }
    }

    @Test func snapshotServesIndexedKeysThroughConfigReader() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let path = try sandbox.write(
                "c.yaml",
                """
                connections: 3
                workspaces:
                  - name: ops
                    alert_channels: [C0123ALERT]
                    app_token: xapp-test-redact-me
                runbooks:
                  - match:
                      labels:
                        app.kubernetes.io/name: web
                """)
            let provider = try await Self.fileProvider(ConfigurationFileSnapshot.self, path: path)
            let reader = ConfigReader(provider: provider)
            #expect(reader.int(forKey: "connections") == 3)
            #expect(reader.string(forKey: ConfigKey(["workspaces", "0", "name"])) == "ops")
            #expect(reader.stringArray(forKey: ConfigKey(["workspaces", "0", "alert_channels"])) == ["C0123ALERT"])
            #expect(reader.string(forKey: ConfigKey(["workspaces", "1", "name"])) == nil)
            #expect(
                reader.string(forKey: ConfigKey(["runbooks", "0", "match", "labels", "app.kubernetes.io/name"]))
                    == "web")
            // A list read as a string: ConfigReader treats the wrong type as absent (the schema check reports it).
            #expect(reader.string(forKey: ConfigKey(["workspaces", "0", "alert_channels"])) == nil)
            #expect(!provider.debugDescription.contains("xapp-test"))
            #expect(provider.debugDescription.contains("workspaces.0.name=ops"))
        }
    }
}
