import Foundation
import Testing
import AlertReading
import VigilBase

/// The generic reading measured on posts of monitoring tools that have no parser in Vigil (`Tests/Fixtures/corpus`,
/// one file per tool, each post shaped as the tool posts it and annotated with what an on-call engineer reads in it).
///
/// Every post is read through ``AlertParsing/parse(_:knownSource:)`` as an incoming-webhook event, and scored per
/// field: name, status, severity (where the post states one), host, service, and identity pairing (posts about the
/// same alert share an identity, posts about different alerts do not). The scores are printed; each must reach
/// ``threshold``. Reproduce with `swift test --filter GenericReadingCorpusTests`.
struct GenericReadingCorpusTests {
    /// The lowest score each field may have.
    static let threshold = 0.95

    struct CorpusFile: Decodable {
        var tool: String
        var source: String
        var posts: [CorpusPost]
    }

    struct CorpusPost: Decodable {
        /// Unique within its file.
        var id: String
        /// Posts with the same key are about the same alert (firing ↔ resolved) and must share an identity.
        var alert: String
        /// The posted body (`text`, `attachments`, `blocks`, `username`).
        var body: JSONValue
        var expect: Expectation
    }

    struct Expectation: Decodable {
        /// Acceptable names (compared without case, surrounding markup and extra spaces).
        var names: [String]
        var status: AlertStatus
        /// `nil`: the post states no severity, so severity is not scored for it.
        var severity: AlertSeverity?
        /// `nil`: the post names no host, and none may be read.
        var host: String?
        /// `nil`: the post names no service, and none may be read.
        var service: String?

        enum CodingKeys: String, CodingKey { case name, status, severity, host, service }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let one = try? container.decode(String.self, forKey: .name) {
                names = [one]
            } else {
                names = try container.decode([String].self, forKey: .name)
            }
            status = try container.decode(AlertStatus.self, forKey: .status)
            severity = try container.decodeIfPresent(AlertSeverity.self, forKey: .severity)
            host = try container.decodeIfPresent(String.self, forKey: .host)
            service = try container.decodeIfPresent(String.self, forKey: .service)
        }
    }

    /// One field's tally.
    struct FieldScore {
        var correct = 0
        var total = 0
        var misses: [String] = []
        var ratio: Double { total == 0 ? 1 : Double(correct) / Double(total) }

        mutating func count(_ ok: Bool, _ miss: @autoclosure () -> String) {
            total += 1
            if ok { correct += 1 } else { misses.append(miss()) }
        }
    }

    static let fields = ["name", "status", "severity", "host", "service", "pairing", "not claimed by a tool parser"]

    static func corpus() throws -> [CorpusFile] {
        let folder = RepositoryFiles.url("Tests/Fixtures/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .sorted()
        return try names.map {
            try JSONDecoder().decode(CorpusFile.self, from: Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    static func normalisedName(_ name: String) -> String {
        let trimmed = name.lowercased().collapsedWhitespaceForCorpus
        return String(trimmed.drop(while: { " *_`'\"".contains($0) }).reversed().drop(while: { " *_`'\"".contains($0) })
            .reversed())
    }

    /// Reads every post and scores it.
    static func score(_ files: [CorpusFile]) throws -> [String: FieldScore] {
        var scores = Dictionary(uniqueKeysWithValues: fields.map { ($0, FieldScore()) })
        for file in files {
            var read: [(post: CorpusPost, alert: Alert)] = []
            for (index, post) in file.posts.enumerated() {
                let event = try Samples.webhookEvent(post.body, ts: "1760000000.\(String(format: "%06d", index + 1))")
                let alert = try #require(AlertParsing.parse(event), "\(file.tool) \(post.id): no reading")
                read.append((post, alert))
                let where_ = "\(file.tool) \(post.id)"
                let expect = post.expect
                scores["name", default: .init()].count(
                    expect.names.map(normalisedName).contains(normalisedName(alert.name)),
                    "\(where_): name \"\(alert.name)\", expected \(expect.names)")
                scores["status", default: .init()].count(
                    alert.status == expect.status, "\(where_): status \(alert.status), expected \(expect.status)")
                if let severity = expect.severity {
                    scores["severity", default: .init()].count(
                        alert.severity == severity, "\(where_): severity \(alert.severity), expected \(severity)")
                }
                scores["host", default: .init()].count(
                    alert.host?.lowercased() == expect.host?.lowercased(),
                    "\(where_): host \(alert.host ?? "nil"), expected \(expect.host ?? "nil")")
                scores["service", default: .init()].count(
                    alert.service?.lowercased() == expect.service?.lowercased(),
                    "\(where_): service \(alert.service ?? "nil"), expected \(expect.service ?? "nil")")
                scores["not claimed by a tool parser", default: .init()].count(
                    alert.source == .generic, "\(where_): read by the \(alert.source) parser")
            }
            for (post, alert) in read {
                let same = read.filter { $0.post.alert == post.alert && $0.post.id != post.id }
                let others = read.filter { $0.post.alert != post.alert }
                guard !same.isEmpty || !others.isEmpty else { continue }
                let pairs = same.allSatisfy { $0.alert.identity == alert.identity }
                let apart = others.allSatisfy { $0.alert.identity != alert.identity }
                scores["pairing", default: .init()].count(
                    pairs && apart,
                    "\(file.tool) \(post.id): identity \(alert.identity) "
                        + (pairs ? "equals another alert's" : "differs from \(same.map(\.alert.identity))"))
            }
        }
        return scores
    }

    @Test func corpusCoversAtLeastTwentyTools() throws {
        let files = try Self.corpus()
        #expect(Set(files.map(\.tool)).count >= 20)
        for file in files {
            #expect(!file.source.isEmpty, "\(file.tool) names no source for its shape")
            #expect(Set(file.posts.map(\.id)).count == file.posts.count, "\(file.tool) repeats a post id")
        }
    }

    @Test func genericReadingScoresAtLeastNinetyFivePercentPerField() throws {
        let files = try Self.corpus()
        let scores = try Self.score(files)
        var report = "Generic reading over \(files.count) tools, \(files.map(\.posts.count).reduce(0, +)) posts:\n"
        for field in Self.fields {
            let score = scores[field] ?? FieldScore()
            report += "  \(field): \(score.correct)/\(score.total) = "
                + String(format: "%.1f", score.ratio * 100) + " %\n"
            for miss in score.misses { report += "      miss: \(miss)\n" }
        }
        print(report)
        for field in Self.fields {
            let score = scores[field] ?? FieldScore()
            #expect(score.ratio >= Self.threshold, "\(field): \(score.correct)/\(score.total)\n\(report)")
        }
    }
}

extension String {
    fileprivate var collapsedWhitespaceForCorpus: String {
        split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }
}
