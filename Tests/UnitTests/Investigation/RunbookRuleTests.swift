import Testing
import AlertInvestigation
import AlertReading
import VigilBase

@Suite("Runbook rules, globs and URL templates")
struct RunbookRuleTests {
    typealias F = InvestigationFixtures

    @Test(
        "glob matching",
        arguments: [
            ("High*", "HighMemoryUsage", true),
            ("high*", "HighMemoryUsage", true),
            ("*memory*", "HighMemoryUsage", true),
            ("*Usage", "HighMemoryUsage", true),
            ("High?emoryUsage", "HighMemoryUsage", true),
            ("High?", "HighMemoryUsage", false),
            ("Low*", "HighMemoryUsage", false),
            ("*", "", true),
            ("?", "", false),
            ("", "", true),
            ("", "x", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("**a**", "banana", true),
            ("*a*a*a*a*a*b", String(repeating: "a", count: 200), false),
            ("ÄBC*", "äbc-ü", true),
            ("db-?", "db-1", true),
            ("db-?", "db-12", false),
        ]
    )
    func glob(pattern: String, text: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(text) == expected)
    }

    struct MatchCase: Sendable, CustomTestStringConvertible {
        var label: String
        var rule: RunbookRule
        var alert: Alert
        var expected: Bool
        var testDescription: String { label }
    }

    static let matchCases: [MatchCase] = {
        let base = InvestigationFixtures.alert()  // alertmanager, critical, env=prod, instance=web-1:9100
        var unknownSeverity = base
        unknownSeverity.severity = .unknown
        var grafana = base
        grafana.source = .grafana
        return [
            MatchCase(
                label: "empty rule matches everything",
                rule: RunbookRule(name: "r"),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "source in set",
                rule: RunbookRule(name: "r", sources: [.alertmanager, .zabbix]),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "source not in set",
                rule: RunbookRule(name: "r", sources: [.zabbix]),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "name glob, case-insensitive",
                rule: RunbookRule(name: "r", namePattern: "*MEMORY*"),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "name glob mismatch",
                rule: RunbookRule(name: "r", namePattern: "Disk*"),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "label equality",
                rule: RunbookRule(name: "r", labelMatchers: ["env": "prod"]),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "label value glob",
                rule: RunbookRule(name: "r", labelMatchers: ["instance": "web-*:9100"]),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "label value case-insensitive",
                rule: RunbookRule(name: "r", labelMatchers: ["env": "PROD"]),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "label value mismatch",
                rule: RunbookRule(name: "r", labelMatchers: ["env": "staging"]),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "label missing",
                rule: RunbookRule(name: "r", labelMatchers: ["region": "*"]),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "label key is exact",
                rule: RunbookRule(name: "r", labelMatchers: ["ENV": "prod"]),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "all label matchers must hold",
                rule: RunbookRule(name: "r", labelMatchers: ["env": "prod", "instance": "db-*"]),
                alert: base,
                expected: false
            ),
            MatchCase(
                label: "severity floor met",
                rule: RunbookRule(name: "r", minimumSeverity: .high),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "severity floor equal",
                rule: RunbookRule(name: "r", minimumSeverity: .critical),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "unknown severity fails a floor",
                rule: RunbookRule(name: "r", minimumSeverity: .info),
                alert: unknownSeverity,
                expected: false
            ),
            MatchCase(
                label: "every criterion holds",
                rule: RunbookRule(
                    name: "r",
                    sources: [.alertmanager],
                    namePattern: "High*",
                    labelMatchers: ["env": "prod"],
                    minimumSeverity: .warning
                ),
                alert: base,
                expected: true
            ),
            MatchCase(
                label: "one criterion fails",
                rule: RunbookRule(
                    name: "r",
                    sources: [.alertmanager],
                    namePattern: "High*",
                    labelMatchers: ["env": "prod"],
                    minimumSeverity: .warning
                ),
                alert: grafana,
                expected: false
            ),
        ]
    }()

    @Test("rule matching", arguments: matchCases)
    func matching(_ testCase: MatchCase) {
        #expect(testCase.rule.matches(testCase.alert) == testCase.expected)
        #expect([testCase.rule].matching(alert: testCase.alert).count == (testCase.expected ? 1 : 0))
    }

    @Test("values are percent-encoded with only the unreserved set kept")
    func percentEncoding() throws {
        #expect(URLTemplate.percentEncode("a b/c?d&e=f#g") == "a%20b%2Fc%3Fd%26e%3Df%23g")
        #expect(URLTemplate.percentEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(URLTemplate.percentEncode("é") == "%C3%A9")
        #expect(URLTemplate.percentEncode("日本") == "%E6%97%A5%E6%9C%AC")
        #expect(URLTemplate.percentEncode("🔥") == "%F0%9F%94%A5")
        #expect(URLTemplate.percentEncode("%2F+:@!$'()*,;[]") == "%252F%2B%3A%40%21%24%27%28%29%2A%2C%3B%5B%5D")

        let alert = F.alert(
            name: "a b/c?d&e=f#g",
            labels: ["k8s.namespace": "café ü", "env": "prod"],
            host: "web-1.example.com",
            service: "../etc"
        )
        let template = URLTemplate(
            "https://grafana.example/d/x?var-name={{name}}&var-host={{ host }}&svc={{service}}&ns={{label.k8s.namespace}}"
        )
        try template.validate()
        #expect(
            try template.render(for: alert)
                == "https://grafana.example/d/x?var-name=a%20b%2Fc%3Fd%26e%3Df%23g&var-host=web-1.example.com&svc=..%2Fetc&ns=caf%C3%A9%20%C3%BC"
        )
    }

    @Test("template errors: unknown, unterminated, missing or empty values")
    func templateErrors() {
        let alert = F.alert(labels: ["empty": ""], host: nil)
        #expect(throws: URLTemplateError.unknownPlaceholder("hostname")) {
            try URLTemplate("x/{{hostname}}").validate()
        }
        #expect(throws: URLTemplateError.unknownPlaceholder("label.")) { try URLTemplate("x/{{label.}}").validate() }
        #expect(throws: URLTemplateError.unterminatedPlaceholder("{{host")) {
            try URLTemplate("x/{{host").render(for: alert)
        }
        #expect(throws: URLTemplateError.missingValue("{{host}}")) { try URLTemplate("x/{{host}}").render(for: alert) }
        #expect(throws: URLTemplateError.missingValue("{{label.nope}}")) {
            try URLTemplate("x/{{label.nope}}").render(for: alert)
        }
        #expect(throws: URLTemplateError.missingValue("{{label.empty}}")) {
            try URLTemplate("x/{{label.empty}}").render(for: alert)
        }
        #expect((try? URLTemplate("no placeholders: { } }}").render(for: alert)) == "no placeholders: { } }}")
        #expect(URLTemplateError.missingValue("{{host}}").description == "the alert has no value for {{host}}")
    }

    @Test("a plan merges matching rules: links rendered and de-duplicated, probes de-duplicated by name")
    func plan() {
        let alert = F.alert(host: nil)
        let probeA = ProbeSpec.command(name: "a", executable: "/bin/true", timeout: .seconds(5))
        let probeA2 = ProbeSpec.command(name: "a", executable: "/bin/false", timeout: .seconds(5))
        let probeB = ProbeSpec.http(name: "b", urlTemplate: "https://x/{{name}}", timeout: .seconds(5))
        let rules = [
            RunbookRule(
                name: "memory",
                namePattern: "*Memory*",
                links: [
                    .init(label: "Runbook", urlTemplate: "https://wiki/{{name}}"),
                    .init(label: "Host dashboard", urlTemplate: "https://grafana/{{host}}"),
                ],
                probes: [probeA, probeB]
            ),
            RunbookRule(
                name: "disk",
                namePattern: "Disk*",
                links: [.init(label: "Disk", urlTemplate: "https://wiki/disk")],
                probes: [.command(name: "c", executable: "/bin/true", timeout: .seconds(1))]
            ),
            RunbookRule(
                name: "prod",
                labelMatchers: ["env": "prod"],
                links: [.init(label: "Same runbook again", urlTemplate: "https://wiki/{{name}}")],
                probes: [probeA2]
            ),
        ]
        let plan = RunbookPlan(alert: alert, rules: rules)
        #expect(plan.ruleNames == ["memory", "prod"])
        #expect(plan.links == [AlertLink(label: "Runbook", url: "https://wiki/HighMemoryUsage")])
        #expect(plan.probes == [probeA, probeB])
        #expect(plan.problems == ["rule memory: link \"Host dashboard\" left out: the alert has no value for {{host}}"])
        #expect(ProbeSpec.http(name: "h", urlTemplate: "x", timeout: .seconds(1)).requiresApproval == false)
    }

    @Test("rule validation reports bad link and probe templates")
    func ruleValidation() {
        let good = RunbookRule(name: "ok", links: [.init(label: "l", urlTemplate: "https://x/{{label.env}}")])
        #expect(throws: Never.self) { try good.validate() }
        let badProbe = RunbookRule(
            name: "bad",
            probes: [.http(name: "h", urlTemplate: "https://x/{{nme}}", timeout: .seconds(1))]
        )
        #expect(throws: URLTemplateError.unknownPlaceholder("nme")) { try badProbe.validate() }
    }
}
