import CCurl
import Testing

@testable import CurlHTTP

@Suite struct CurlErrorTests {
    func error(_ code: CURLcode, written: Int = 0, body: Int = 0) -> CurlError {
        CurlError(
            result: code,
            message: "msg",
            requestBytesWritten: written,
            bodyBytesRead: body,
            abortedForResponseSize: false,
            origin: "https://slack.com"
        )
    }

    @Test func connectPhaseFailuresAreCertainlyNotDelivered() {
        let cases: [(CURLcode, CurlError)] = [
            (CURLE_COULDNT_RESOLVE_HOST, .couldNotResolveHost), (CURLE_COULDNT_CONNECT, .couldNotConnect),
            (CURLE_COULDNT_RESOLVE_PROXY, .proxyFailed), (CURLE_PROXY, .proxyFailed),
            (CURLE_SSL_CONNECT_ERROR, .tlsHandshakeFailed),
            (CURLE_PEER_FAILED_VERIFICATION, .certificateVerificationFailed),
        ]
        for (code, kind) in cases {
            let translated = error(code, written: 200)
            #expect(translated == kind)
            #expect(translated.requestCertainlyNotDelivered, "\(translated)")
        }
    }

    @Test func laterFailuresDependOnWhetherAnythingWasWritten() {
        for code in [CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING] {
            #expect(error(code).requestCertainlyNotDelivered)
            #expect(!error(code, written: 180).requestCertainlyNotDelivered)
            #expect(!error(code, body: 10).requestCertainlyNotDelivered)
        }
        #expect(error(CURLE_OPERATION_TIMEDOUT, written: 1) == .timedOut)
        #expect(error(CURLE_GOT_NOTHING, written: 1) == .emptyReply)
        #expect(error(CURLE_PARTIAL_FILE, written: 1) == .partialResponse)
    }
}

@Suite struct CurlRedactionTests {
    static let secret = "xoxb-test-1234-abcdEFGH"

    @Test func curlErrorDescriptionsScrubTokensAndURLPaths() {
        let error = CurlError.driver(
            .other,
            detail: "failed for https://hooks.slack.com/commands/T1/123/s3cr3t with \(Self.secret)",
            notDelivered: false
        )
        #expect(!error.description.contains("s3cr3t"))
        #expect(!error.description.contains("abcdEFGH"))
        #expect(error.description.contains("https://hooks.slack.com"))
        #expect(SecretRedaction.scrub("token=\(Self.secret).") == "token=xoxb-…redacted")
        #expect(SecretRedaction.scrub("x xapp-1-A111-222-abc y") == "x xapp-…redacted y")
    }

    @Test func requestDescriptionAndDumpHidePathAndHeaders() {
        let request = HTTPRequest(
            method: .post,
            url: "https://hooks.slack.com/commands/T1/123/s3cr3t?x=1",
            headers: [("Authorization", "Bearer \(Self.secret)")],
            body: Array("{}".utf8)
        )
        var dumped = ""
        dump(request, to: &dumped)
        for rendering in ["\(request)", String(reflecting: request), dumped] {
            #expect(!rendering.contains("s3cr3t"), "\(rendering)")
            #expect(!rendering.contains("abcdEFGH"), "\(rendering)")
        }
        #expect(request.redactedOrigin == "https://hooks.slack.com")
        #expect(HTTPRequest.redactedOrigin(of: "http://user:pw@127.0.0.1:8080/api/x") == "http://127.0.0.1:8080")
    }

    @Test func responseHeadersAreLowercasedAndJoined() {
        let response = HTTPResponse(status: 200, headers: ["Retry-After": "3", "X-Dup": "1", "x-dup": "2"])
        #expect(response[header: "RETRY-AFTER"] == "3")
        #expect(response.headers["x-dup"] == "1, 2" || response.headers["x-dup"] == "2, 1")
    }
}
