import Logging
import Testing

@testable import VigilDaemon

struct EnvironmentSettingsTests {
    let tokens = ["SLACK_APP_TOKEN": "xapp-test-app", "SLACK_BOT_TOKEN": "xoxb-test-bot"]

    @Test func defaultsApply() throws {
        let settings = try EnvironmentSettings(environment: tokens, readFile: { _ in nil })
        #expect(settings.apiURL == "https://slack.com/api/")
        #expect(settings.connections == 2)
        #expect(settings.alertChannels.isEmpty)
        #expect(settings.stateDirectory == "./.vigil")
        #expect(settings.logLevel == .info)
    }

    @Test func readsEveryVariable() throws {
        var environment = tokens
        environment["SLACK_API_URL"] = "http://127.0.0.1:9999/api"
        environment["VIGIL_ALERT_CHANNELS"] = " C0123ALERT, G0456PRIV ,"
        environment["VIGIL_STATE_DIR"] = "/var/lib/vigil"
        environment["VIGIL_CONNECTIONS"] = "10"
        environment["VIGIL_CA_FILE"] = "/etc/vigil/ca.pem"
        environment["VIGIL_LOG_LEVEL"] = "DEBUG"
        let settings = try EnvironmentSettings(environment: environment, readFile: { _ in "pem" })
        #expect(settings.apiURL == "http://127.0.0.1:9999/api/")
        #expect(settings.alertChannels == ["C0123ALERT", "G0456PRIV"])
        #expect(settings.stateDirectory == "/var/lib/vigil")
        #expect(settings.connections == 10)
        #expect(settings.caFile == "/etc/vigil/ca.pem")
        #expect(settings.logLevel == .debug)
    }

    @Test func stateDirectoryFallsBackToSystemd() throws {
        var environment = tokens
        environment["STATE_DIRECTORY"] = "/var/lib/vigil:/var/lib/other"
        #expect(try EnvironmentSettings(environment: environment, readFile: { _ in nil }).stateDirectory == "/var/lib/vigil")
    }

    @Test func tokensComeFromCredentialsWhenUnset() throws {
        let files = ["/run/credentials/vigil.service/slack-app-token": "xapp-test-cred\n",
                     "/run/credentials/vigil.service/slack-bot-token": "xoxb-test-cred\n"]
        let settings = try EnvironmentSettings(
            environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/vigil.service"],
            readFile: { files[$0] })
        #expect(settings.appToken == "xapp-test-cred")
        #expect(settings.botToken == "xoxb-test-cred")
    }

    @Test func environmentWinsOverCredentials() throws {
        var environment = tokens
        environment["CREDENTIALS_DIRECTORY"] = "/creds"
        let settings = try EnvironmentSettings(environment: environment, readFile: { _ in "xoxb-test-file" })
        #expect(settings.botToken == "xoxb-test-bot")
    }

    @Test(arguments: [
        (["SLACK_BOT_TOKEN": "xoxb-test"], "SLACK_APP_TOKEN"),
        (["SLACK_APP_TOKEN": "xoxb-test", "SLACK_BOT_TOKEN": "xoxb-test"], "SLACK_APP_TOKEN"),
        (["SLACK_APP_TOKEN": "xapp-test"], "SLACK_BOT_TOKEN"),
        (["SLACK_APP_TOKEN": "xapp-test", "SLACK_BOT_TOKEN": "xoxp-test-user"], "SLACK_BOT_TOKEN"),
        (["VIGIL_CONNECTIONS": "11"], "VIGIL_CONNECTIONS"),
        (["VIGIL_CONNECTIONS": "two"], "VIGIL_CONNECTIONS"),
        (["VIGIL_ALERT_CHANNELS": "#alerts"], "VIGIL_ALERT_CHANNELS"),
        (["VIGIL_LOG_LEVEL": "loud"], "VIGIL_LOG_LEVEL"),
        (["SLACK_API_URL": "slack.com/api"], "SLACK_API_URL"),
        (["VIGIL_CA_FILE": "/nonexistent.pem"], "VIGIL_CA_FILE"),
    ])
    func badSettingsNameTheVariable(_ overrides: [String: String], _ key: String) {
        var environment = overrides.keys.contains(where: { $0.hasPrefix("SLACK_") && $0.hasSuffix("TOKEN") }) ? [:] : tokens
        environment.merge(overrides) { _, new in new }
        #expect {
            _ = try EnvironmentSettings(environment: environment, readFile: { _ in nil })
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && !error.description.contains("xoxb-test") && !error.description.contains("xapp-test")
        }
    }

    @Test func demoNeedsNoTokens() throws {
        let settings = try EnvironmentSettings(environment: [:], requireTokens: false, readFile: { _ in nil })
        #expect(settings.appToken == nil)
    }
}
