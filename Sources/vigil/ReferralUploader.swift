import VigilIntake
import VigilIntel

/// Sends a batch file to `POST /api/v1/referrals` of a running server. A JSON Lines file goes in parts of
/// at most `linesPerRequest` lines (so a file of any size fits under the server's body limit), each with
/// `firstLine` so the server reports the file's own line numbers. A JSON array or CSV file goes whole.
///
/// `vigil import --server` sends one part at a time, so the file's records are stored in file order: a
/// later record with an earlier one's ref is the duplicate or conflict, as in a local import. With
/// `inFlight` above 1 (`vigil bench http-import --clients`) the server parses one part while it stores
/// another, and parts may be stored out of file order, as when several scripts import at once.
struct ReferralUploader: Sendable {
    /// Parts of at most this many lines.
    static let defaultLinesPerRequest = 10_000
    /// A part also ends once it holds this many bytes (the server takes up to 64 MiB).
    static let maxBytesPerRequest = 32 << 20

    let client: APIClient
    let format: IntakeFormat
    var linesPerRequest = defaultLinesPerRequest
    var inFlight = 1

    /// One request's lines and the server's answer (a report, 200 or 422) or refusal.
    struct PartAnswer: Sendable {
        /// The file's lines the request carried; nil when it carried the whole file.
        var lines: ClosedRange<Int>?
        /// The server's answer, or why it refused the request.
        var answer: Result<APIClient.Answer, ServerRefusal>
    }

    /// What an upload did.
    struct Outcome: Sendable {
        /// Each sent request's answer, in file order.
        var answers: [PartAnswer]
        /// The file's lines left unsent because the server refused the caller (401, 403) or could not be
        /// reached, which every later part would have met too.
        var notSent: ClosedRange<Int>?
    }

    /// Sends `data`, part after part. A part the server refuses or never answers (it crashed, the network
    /// failed) is an answer of its own; once the server cannot be reached, or refuses the caller, the rest
    /// of the file is not sent.
    func upload(_ data: [UInt8]) async throws -> Outcome {
        let layout = BatchLayout.of(data[...], format: format)
        guard layout == .jsonLines else {
            return Outcome(answers: [try await send(data[...], type: layout == .jsonArray ? "application/json" : "text/csv", lines: nil)])
        }
        let parts = JSONLinesPart.split(data, maxLines: linesPerRequest, maxBytes: Self.maxBytesPerRequest)
        let answers = try await withThrowingTaskGroup(of: (Int, PartAnswer).self) { group in
            var answers = [PartAnswer?](repeating: nil, count: parts.count)
            var running = 0
            var callerRefused = false
            for (index, part) in parts.enumerated() {
                if running == inFlight, let (done, answer) = try await group.next() {
                    answers[done] = answer
                    running -= 1
                    if case .failure(let refusal) = answer.answer, refusal.stopsTheUpload { callerRefused = true }
                }
                guard !callerRefused else { break }
                group.addTask {
                    (index, try await send(part.bytes, type: "application/x-ndjson", lines: part.firstLine...part.lastLine))
                }
                running += 1
            }
            for try await (done, answer) in group {
                answers[done] = answer
            }
            return answers.compactMap { $0 }
        }
        let notSent = answers.count < parts.count ? parts[answers.count].firstLine...parts[parts.count - 1].lastLine : nil
        return Outcome(answers: answers, notSent: notSent)
    }

    private func send(_ bytes: ArraySlice<UInt8>, type: String, lines: ClosedRange<Int>?) async throws -> PartAnswer {
        let query = "format=\(format.rawValue)" + (lines.map { "&firstLine=\($0.lowerBound)" } ?? "")
        do {
            let answer = try await client.send("POST", "/api/v1/referrals?\(query)", body: Array(bytes), contentType: type, accepting: [422])
            return PartAnswer(lines: lines, answer: .success(answer))
        } catch let refusal as ServerRefusal {
            return PartAnswer(lines: lines, answer: .failure(refusal))
        } catch let error as TransferError {
            return PartAnswer(lines: lines, answer: .failure(ServerRefusal(status: nil, description: "\(client.base): no answer (\(error))")))
        }
    }
}
