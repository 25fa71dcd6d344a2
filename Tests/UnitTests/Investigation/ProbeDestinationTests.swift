import Testing
import AlertInvestigation
import CurlHTTP

/// Where HTTP probes may connect: address parsing and classification (IPv4, IPv6, IPv4 written as IPv6),
/// `allowed_hosts` entries, and URL templates whose server an alert cannot choose.
@Suite("Probe destinations")
struct ProbeDestinationTests {
    @Test("addresses parse in every usual form and print conventionally")
    func parsing() throws {
        #expect(IPAddress("169.254.169.254")?.bytes == [169, 254, 169, 254])
        #expect(IPAddress("[fe80::1]")?.description == "fe80::1")
        #expect(IPAddress("::FFFF:169.254.169.254")?.description == "::ffff:169.254.169.254")
        #expect(IPAddress("::ffff:a9fe:a9fe")?.embeddedIPv4 == IPAddress("169.254.169.254"))
        #expect(IPAddress("64:ff9b::a9fe:a9fe")?.embeddedIPv4 == IPAddress("169.254.169.254"))
        #expect(IPAddress("::1")?.embeddedIPv4 == nil, "loopback is not IPv4-compatible")
        #expect(IPAddress("::")?.embeddedIPv4 == nil)
        for text in ["metadata.google.internal", "127.1", "0x7f.0.0.1", "fe80::1%eth0", "1.2.3.4:80", "", "-1"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test("ranges contain their addresses, also written as IPv6")
    func ranges() throws {
        let linkLocal = try #require(IPAddressRange("169.254.0.0/16"))
        #expect(linkLocal.contains(IPAddress("169.254.0.1")!))
        #expect(!linkLocal.contains(IPAddress("169.255.0.1")!))
        #expect(linkLocal.contains(IPAddress("::ffff:169.254.1.2")!))
        #expect(try #require(IPAddressRange("10.1.2.3/8")).description == "10.0.0.0/8", "host bits are cleared")
        let v6 = try #require(IPAddressRange("fe80::/10"))
        #expect(v6.contains(IPAddress("febf::1")!) && !v6.contains(IPAddress("fec0::1")!))
        #expect(!v6.contains(IPAddress("169.254.1.1")!))
        #expect(IPAddressRange("10.0.0.0/33") == nil && IPAddressRange("10.0.0.0/x") == nil)
    }

    @Test(
        "link-local and metadata addresses are forbidden in every form",
        arguments: [
            "169.254.169.254", "169.254.0.1", "fe80::1", "fe80::a9fe:a9fe", "fd00:ec2::254", "100.100.100.200",
            "::ffff:169.254.169.254", "::ffff:100.100.100.200", "64:ff9b::a9fe:a9fe", "::169.254.169.254",
        ]
    )
    func forbidden(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(ProbeDestinationPolicy.forbiddenReason(address) != nil)
        #expect(ProbeDestinationPolicy().refusal(forHost: text) != nil)
        #expect(ProbeDestinationPolicy().refusal(forAddress: address, host: "innocent.example.com") != nil)
    }

    @Test("ordinary addresses are not forbidden", arguments: ["10.0.0.1", "127.0.0.1", "::1", "100.100.100.201", "fd00:ec2::253"])
    func notForbidden(_ text: String) throws {
        #expect(ProbeDestinationPolicy.forbiddenReason(try #require(IPAddress(text))) == nil)
        #expect(ProbeDestinationPolicy().refusal(forHost: text) == nil)
    }

    @Test("allowed_hosts entries: names, wildcards, addresses, ranges")
    func allowedHostEntries() throws {
        #expect(AllowedHost("Metrics.Example.com.") == .name("metrics.example.com"))
        #expect(AllowedHost("*.example.com") == .subdomains(of: ".example.com"))
        #expect(AllowedHost("10.0.0.0/8") == .addresses(IPAddressRange("10.0.0.0/8")!))
        for bad in ["", "*", "-bad.example.com", "a b", "http://x", "*.-x", "10.0.0.0/99"] {
            #expect(AllowedHost(bad) == nil, "\(bad)")
        }
        let wildcard = try #require(AllowedHost("*.example.com"))
        #expect(wildcard.allows(host: "a.example.com") && wildcard.allows(host: "b.a.EXAMPLE.com"))
        #expect(!wildcard.allows(host: "example.com") && !wildcard.allows(host: "evilexample.com"))
    }

    @Test("with allowed_hosts, a name must be listed or resolve into a listed range")
    func policy() throws {
        let names = ProbeDestinationPolicy(allowedHostLists: [[AllowedHost("metrics.example.com")!]])
        #expect(names.refusal(forHost: "metrics.example.com") == nil)
        #expect(names.refusal(forHost: "other.example.com")?.contains("not in allowed_hosts") == true)
        #expect(names.refusal(forHost: "10.0.0.5") != nil, "a literal address needs an address entry")
        let loopback = IPAddress("127.0.0.1")!
        #expect(names.refusal(forAddress: loopback, host: "metrics.example.com") == nil, "allowed by name")
        #expect(
            names.refusal(forAddress: IPAddress("169.254.169.254")!, host: "metrics.example.com")?
                .contains("metrics.example.com resolves to 169.254.169.254") == true,
            "a listed name that resolves to a metadata address is still refused")

        let ranges = ProbeDestinationPolicy(allowedHostLists: [[AllowedHost("10.0.0.0/8")!]])
        #expect(ranges.refusal(forHost: "localhost") == nil, "decided once resolved")
        #expect(
            ranges.refusal(forAddress: loopback, host: "localhost")
                == "localhost resolves to 127.0.0.1, which is not in allowed_hosts (10.0.0.0/8)")
        #expect(ranges.refusal(forAddress: IPAddress("10.2.3.4")!, host: "localhost") == nil)

        let both = ProbeDestinationPolicy(
            allowedHostLists: [[AllowedHost("10.0.0.0/8")!], [AllowedHost("*.example.com")!]])
        #expect(both.refusal(forAddress: IPAddress("10.2.3.4")!, host: "a.example.com") == nil)
        #expect(both.refusal(forAddress: IPAddress("10.2.3.4")!, host: "a.example.org") != nil, "every list must allow")
        #expect(
            both.refusal(forAddress: IPAddress("192.168.1.1")!, host: "a.example.com") != nil,
            "the name list allows it, the range list does not")
    }

    @Test("a probe URL must have a literal scheme, user info, host and port")
    func literalAuthority() throws {
        #expect(try URLTemplate("https://metrics.example.com:9100/probe?target={{host}}").requestHost()
            == "metrics.example.com")
        #expect(try URLTemplate("http://[FD00::5]:8080/{{label.path}}#{{name}}").requestHost() == "fd00::5")
        #expect(try URLTemplate("https://user:pw@10.0.0.5/x").requestHost() == "10.0.0.5")
        let refused: [(String, String)] = [
            ("https://{{host}}:9100/metrics", "host"),
            ("https://{{host}}/", "host"),
            ("https://{{host}}", "host"),
            ("https://node-{{label.n}}.example.com/", "host"),
            ("https://metrics.example.com{{name}}/", "host"),
            ("https://metrics.example.com:{{label.port}}/", "port"),
            ("https://{{name}}@metrics.example.com/", "user info"),
            ("https://[{{host}}]:80/", "host"),
            ("{{label.scheme}}://metrics.example.com/", "scheme"),
        ]
        for (template, part) in refused {
            #expect(throws: URLTemplateError.self, "\(template)") { try URLTemplate(template).requestHost() }
            do {
                _ = try URLTemplate(template).requestHost()
            } catch {
                #expect(error.description.contains("is in the \(part) of the URL"), "\(template): \(error)")
            }
        }
        #expect(throws: URLTemplateError.noHost) { try URLTemplate("https:///path").requestHost() }
    }
}
