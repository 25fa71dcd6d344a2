import Foundation
import Logging
import Testing
import AlertInvestigation
import VigilBase

/// Alert values reach command probes as environment variables only after sanitising: host-like values must look
/// like a host, nothing may start with `-`, and whatever is left out is named in the result's notes.
@Suite("Probe environment sanitising", .timeLimit(.minutes(1)))
struct ProbeEnvironmentTests {
    typealias F = InvestigationFixtures

    @Test(
        "host-like values that are host names or addresses pass",
        arguments: ["db-01", "db-01:9100", "web-1.prod.example.com.", "10.0.0.5", "10.0.0.5:9100", "fe80::1", "[::1]:9100", "node_7"]
    )
    func hostsPass(_ host: String) {
        let environment = ProbeEnvironment(alert: F.alert(labels: ["instance": host], host: host))
        #expect(environment.variables["VIGIL_ALERT_HOST"] == host)
        #expect(environment.variables["VIGIL_LABEL_INSTANCE"] == host)
        #expect(environment.notes.isEmpty)
    }

    @Test(
        "host-like values that could be options or shell text are left out, with a note",
        arguments: [
            "-oProxyCommand=touch /tmp/pwned", "-oProxyCommand=id", "--help", "db 01", "db;id", "$(id)", "`id`",
            "db-01:99999", "db-01:", "host/path", "a=b", "[::1]x", "\"db\"", "-",
        ]
    )
    func hostsLeftOut(_ host: String) {
        let environment = ProbeEnvironment(alert: F.alert(labels: ["instance": host, "hostname": host], host: host))
        #expect(environment.variables["VIGIL_ALERT_HOST"] == nil)
        #expect(environment.variables["VIGIL_LABEL_INSTANCE"] == nil)
        #expect(environment.variables["VIGIL_LABEL_HOSTNAME"] == nil)
        #expect(environment.notes.count == 3, "\(environment.notes)")
        #expect(environment.notes.contains { $0.hasPrefix("VIGIL_ALERT_HOST left out: the alert's value ") })
        if host.count > 3 {
            #expect(!environment.notes.joined().contains(host), "the note never repeats the hostile value")
        }
    }

    @Test("service-like values allow unit, namespace and AWS names but never a leading dash or shell text")
    func services() {
        for service in ["nginx@site.service", "payments/api", "AWS/EC2", "node-exporter", "k8s:pods+x"] {
            let environment = ProbeEnvironment(alert: F.alert(labels: ["job": service], service: service))
            #expect(environment.variables["VIGIL_ALERT_SERVICE"] == service)
            #expect(environment.variables["VIGIL_LABEL_JOB"] == service)
        }
        for service in ["-service", "a b", "a;b", "$(x)", ".hidden", "ü"] {
            let environment = ProbeEnvironment(alert: F.alert(labels: ["job": service], service: service))
            #expect(environment.variables["VIGIL_ALERT_SERVICE"] == nil, "\(service)")
            #expect(environment.variables["VIGIL_LABEL_JOB"] == nil, "\(service)")
            #expect(environment.notes.count == 2, "\(service): \(environment.notes)")
        }
    }

    @Test("other values are data: punctuation passes, a leading dash does not")
    func data() {
        let kept = ProbeEnvironment(
            alert: F.alert(name: "Disk 90% full on / (root); see \"runbook\"", labels: ["summary": "it's $HOME"]))
        #expect(kept.variables["VIGIL_ALERT_NAME"] == "Disk 90% full on / (root); see \"runbook\"")
        #expect(kept.variables["VIGIL_LABEL_SUMMARY"] == "it's $HOME")
        #expect(kept.notes.isEmpty)

        let dashed = ProbeEnvironment(alert: F.alert(name: "-rf", labels: ["threshold": "-5", "env": "prod"]))
        #expect(dashed.variables["VIGIL_ALERT_NAME"] == nil)
        #expect(dashed.variables["VIGIL_LABEL_THRESHOLD"] == nil)
        #expect(dashed.variables["VIGIL_LABEL_ENV"] == "prod")
        #expect(dashed.variables["VIGIL_ALERT_STATUS"] == "firing")
        #expect(
            Set(dashed.notes) == [
                "VIGIL_ALERT_NAME left out: the alert's value starts with \"-\" (a program could read it as an option)",
                "VIGIL_LABEL_THRESHOLD left out: the alert's value starts with \"-\" (a program could read it as an "
                    + "option)",
            ])
    }

    @Test("a left-out label does not hand its variable name to a later key")
    func collisionAfterLeftOut() {
        let environment = ProbeEnvironment(alert: F.alert(labels: ["a-b": "-x", "a_b": "second"]))
        #expect(environment.variables["VIGIL_LABEL_A_B"] == nil)
    }

    /// A real command probe: the hostile host never reaches the process, and the result's notes say so.
    @Test("a command probe never sees a host starting with -, and its result carries the note")
    func commandNeverSeesHostileHost() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("env").path
        let alert = F.alert(labels: ["instance": "-oProxyCommand=id"], host: "-oProxyCommand=id")
        let result = try await CommandProbeRunner().run(
            .command(name: "env", executable: "/bin/sh", arguments: ["-c", "env > \"$0\"", dump], timeout: .seconds(30)),
            alert: alert,
            logger: Logger(label: "vigil.test.env", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        #expect(result.outcome == .succeeded(.exitCode(0)))
        let written = try String(contentsOfFile: dump, encoding: .utf8)
        #expect(written.contains("VIGIL_ALERT_NAME=HighMemoryUsage"), "the probe ran with the alert's other values")
        #expect(!written.contains("-oProxyCommand"))
        #expect(!written.contains("VIGIL_ALERT_HOST="))
        #expect(result.notes.count == 2)
        #expect(result.notes.contains { $0.hasPrefix("VIGIL_ALERT_HOST left out") })
    }

    @Test("the investigation message shows the notes under the check, within Slack's limits")
    func notesInTheMessage() throws {
        let result = ProbeResult(
            name: "ssh-uptime",
            outcome: .failed(.exitCode(2)),
            duration: .seconds(1),
            output: String(repeating: "x", count: 60_000),
            notes: ["VIGIL_ALERT_HOST left out: the alert's value starts with \"-\" (a program could read it as an option)"]
        )
        let message = InvestigationMessage.investigation(F.facts(probeResults: [result]), options: F.options)
        F.expectWithinSlackLimits(message)
        let check = try #require(F.mrkdwnTexts(message.blocks).first { $0.contains("ssh-uptime") })
        #expect(check.contains("_⚠️ VIGIL_ALERT_HOST left out: the alert's value starts with"), "\(check.prefix(300))")
    }
}
