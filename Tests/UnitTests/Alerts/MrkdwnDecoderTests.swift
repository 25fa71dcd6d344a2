import Testing
import AlertReading
import VigilBase
import VigilStorage

struct MrkdwnDecoderTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var text: String
        var links: [AlertLink] = []
        var description: String { input }
    }

    static let cases: [Case] = [
        // Entities, decoded exactly once.
        Case(input: "a &amp; b &lt; c &gt; d", text: "a & b < c > d"),
        Case(input: "&amp;lt;", text: "&lt;"),
        Case(input: "Tom &amp; Jerry&#39;s &quot;show&quot;", text: "Tom & Jerry's \"show\""),
        Case(input: "a & b", text: "a & b"),
        // Links.
        Case(
            input: "see <https://x.example/a|the dashboard>",
            text: "see the dashboard",
            links: [AlertLink(label: "the dashboard", url: "https://x.example/a")]
        ),
        Case(
            input: "<https://x.example/a>",
            text: "https://x.example/a",
            links: [AlertLink(label: "https://x.example/a", url: "https://x.example/a")]
        ),
        Case(
            input: "<https://x.example/?a=1&amp;b=2|q &amp; a>",
            text: "q & a",
            links: [AlertLink(label: "q & a", url: "https://x.example/?a=1&b=2")]
        ),
        Case(
            input: "<mailto:ops@x.example|ops@x.example>",
            text: "ops@x.example",
            links: [AlertLink(label: "ops@x.example", url: "mailto:ops@x.example")]
        ),
        Case(
            input: "<https://a.example|*bold title*>",
            text: "bold title",
            links: [AlertLink(label: "bold title", url: "https://a.example")]
        ),
        // Mentions.
        Case(input: "<@U123>", text: "@U123"),
        Case(input: "<@U123|bob>", text: "@bob"),
        Case(input: "<#C123|ops-alerts>", text: "#ops-alerts"),
        Case(input: "<#C123>", text: "#C123"),
        Case(input: "<!here>", text: "@here"),
        Case(input: "<!here|here>", text: "@here"),
        Case(input: "<!channel> down", text: "@channel down"),
        Case(input: "<!everyone>", text: "@everyone"),
        Case(input: "<!subteam^S0123|@sre-team>", text: "@sre-team"),
        Case(input: "<!subteam^S0123>", text: "@S0123"),
        Case(input: "<!date^1760000000^{date_short} at {time}|Oct 9, 2025>", text: "Oct 9, 2025"),
        Case(input: "<!date^1760000000^Started: {date_pretty} at {time} | Sentry Incident>", text: "Sentry Incident"),
        Case(input: "<!date^1760000000^{date}>", text: "2025-10-09 08:53 UTC"),
        // Formatting, stripped only where unambiguous.
        Case(input: "*bold* _italic_ ~strike~", text: "bold italic strike"),
        Case(input: "**Firing**", text: "Firing"),
        Case(input: "State: *New*   First Seen: *10 minutes ago*", text: "State: New   First Seen: 10 minutes ago"),
        Case(input: "node_exporter_up and snake_case", text: "node_exporter_up and snake_case"),
        Case(input: "5 * 3 * 2", text: "5 * 3 * 2"),
        Case(input: "2*3*4", text: "2*3*4"),
        Case(input: "*unclosed bold", text: "*unclosed bold"),
        Case(input: "_x_y", text: "_x_y"),
        Case(input: "* bullet item", text: "* bullet item"),
        Case(input: ":red_circle: :large_yellow_circle: down", text: ":red_circle: :large_yellow_circle: down"),
        Case(input: "`code_with_*stars*`", text: "code_with_*stars*"),
        Case(input: "```x *y* _z_```", text: "x *y* _z_"),
        Case(input: "```\nmulti\nline\n```", text: "\nmulti\nline\n"),
        Case(input: "value: `production`", text: "value: production"),
        Case(input: "see http://a.example/_b_/c and *this*", text: "see http://a.example/_b_/c and this"),
        Case(input: "*bold*\n*other line*", text: "bold\nother line"),
        Case(input: "*spans\nlines*", text: "*spans\nlines*"),
        Case(input: "🔴 *Down* — ünïcödé _ok_", text: "🔴 Down — ünïcödé ok"),
        // Literal angle brackets.
        Case(input: "<not closed", text: "<not closed"),
        Case(
            input: "a < b <https://x.example|c>",
            text: "a < b c",
            links: [AlertLink(label: "c", url: "https://x.example")]
        ),
        Case(input: "<a\nb>", text: "<a\nb>"),
        Case(input: "<>", text: "<>"),
        Case(input: "<no-scheme|label>", text: "label"),
        Case(input: "", text: ""),
    ]

    @Test(arguments: cases)
    func decodes(_ testCase: Case) {
        let output = MrkdwnDecoder.decode(testCase.input)
        #expect(output.text == testCase.text)
        #expect(output.links == testCase.links)
    }

    @Test func keepsFormattingWhenAsked() {
        let output = MrkdwnDecoder.decode("*bold* `code` <https://x.example|x> &amp;", stripFormatting: false)
        #expect(output.text == "*bold* `code` x &")
        #expect(output.links.map(\.url) == ["https://x.example"])
    }

    @Test func decodesEntitiesOnly() {
        #expect(MrkdwnDecoder.decodeEntities("<a> &amp;gt; &lt;") == "<a> &gt; <")
    }

    @Test func collectsLinksInOrder() {
        let output = MrkdwnDecoder.decode("<https://one.example|one> then <https://two.example>")
        #expect(output.links.map(\.url) == ["https://one.example", "https://two.example"])
    }

    @Test(arguments: ["<a *b _d ~e &amp x\n", "<a *b _d ~e `f\n", "<a *b _d ~e &amp x "])
    func handlesHugeAdversarialInput(_ unit: String) {
        // Tens of thousands of unclosed '<', '*', '_', '~' and '`' on one line or many: nothing pairs, so the text
        // comes back unchanged (and the scan stays linear, or this test would not finish).
        let input = String(repeating: unit, count: 20_000)
        let output = MrkdwnDecoder.decode(input)
        #expect(output.text.unicodeScalars.count == input.unicodeScalars.count)
        #expect(output.text.hasPrefix(unit + unit))
        #expect(output.text.hasSuffix(unit + unit))
        #expect(output.links.isEmpty)
    }

    @Test func handlesHugeBalancedInput() {
        let input = String(repeating: "*bold* <https://x.example/p|link> `code` ", count: 10_000)
        let output = MrkdwnDecoder.decode(input)
        #expect(output.text == String(repeating: "bold link code ", count: 10_000))
        #expect(output.links.count == 10_000)
    }
}
