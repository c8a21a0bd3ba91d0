import Foundation
import VigilImport
import VigilIntake
import VigilIntel

/// Sends a batch to `POST /api/v1/referrals` of a running server. A JSON Lines batch goes in parts of at
/// most `linesPerRequest` lines (so a file of any size fits under the server's body limit), each with
/// `firstLine` so the server reports the file's own line numbers; a file is read a segment at a time
/// (`BatchFile`), so the uploader holds one segment and the parts in flight, never the whole file. A JSON
/// array, CSV or XML file goes in one request whose body libcurl reads from the file as it sends it (the
/// server reads it as a stream too), so neither side holds the whole file.
///
/// `vigil import --server` sends one part at a time, so the file's records are stored in file order: a
/// later record with an earlier one's ref is the duplicate or conflict, as in a local import. With
/// `inFlight` above 1 (`vigil bench http-import --clients`) the server parses one part while it stores
/// another, and parts may be stored out of file order, as when several scripts import at once.
struct ReferralUploader: Sendable {
    /// Parts of at most this many lines.
    static let defaultLinesPerRequest = 10_000
    /// A part also ends once it holds this many bytes (the server takes up to 64 MiB); a file is read in
    /// segments of this size.
    static let maxBytesPerRequest = 32 << 20

    let client: APIClient
    let format: IntakeFormat
    var linesPerRequest = defaultLinesPerRequest
    var inFlight = 1

    /// One request's lines and the server's answer (a report, 200 or 422, in a temporary file the caller
    /// reads with `ImportReportReader` and removes) or refusal.
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
        /// The first of the file's lines left unsent (they run to the end of the file) because the server
        /// refused the caller (401, 403) or could not be reached, which every later part would have met too.
        var notSentFrom: Int?
    }

    /// One request's body: bytes in memory, or a file streamed from disk.
    private struct Payload: Sendable {
        var bytes: ArraySlice<UInt8>
        var file: String?
        var type: String
        var lines: ClosedRange<Int>?
    }

    /// Sends the batch file at `path`: JSON Lines read a segment at a time and sent in parts, a JSON array,
    /// CSV or XML file streamed from disk in one request.
    func upload(file path: String) async throws -> Outcome {
        guard let handle = FileHandle(forReadingAtPath: path), let prefix = try? handle.read(upToCount: 64 << 10) else {
            throw BatchFile.Unreadable()
        }
        try? handle.close()
        guard !prefix.isEmpty else { return Outcome(answers: [], notSentFrom: nil) }
        let layout = BatchLayout.of(Array(prefix)[...], format: format)
        guard layout == .jsonLines else {
            return try await upload(whole: Payload(bytes: [], file: path, type: Self.contentType(layout), lines: nil))
        }
        var reader = try BatchFile(path: path, format: format, segmentBytes: Self.maxBytesPerRequest).open()
        guard let first = try await reader.nextSegment() else { return Outcome(answers: [], notSentFrom: nil) }
        var firstSegment: BatchSegmenter.Segment? = first
        return try await upload {
            defer { firstSegment = nil }
            if let firstSegment { return firstSegment }
            return try await reader.nextSegment()
        }
    }

    /// Sends a batch held in memory.
    func upload(_ data: [UInt8]) async throws -> Outcome {
        let layout = BatchLayout.of(data[...], format: format)
        guard layout == .jsonLines else {
            return try await upload(whole: Payload(bytes: data[...], file: nil, type: Self.contentType(layout), lines: nil))
        }
        var segments = [BatchSegmenter.Segment(lines: data, firstLine: 1)].makeIterator()
        return try await upload { segments.next() }
    }

    /// The content type of a batch in `layout`.
    private static func contentType(_ layout: BatchLayout) -> String {
        switch layout {
        case .jsonArray, .jsonLines: "application/json"
        case .csv: "text/csv"
        case .xml: "text/xml; charset=utf-8"
        }
    }

    /// Sends a JSON array, CSV or XML batch in one request.
    private func upload(whole payload: Payload) async throws -> Outcome {
        var payloads = [payload].makeIterator()
        return try await upload(nextPayload: { payloads.next() })
    }

    /// Sends the JSON Lines segments `nextSegment` gives, in parts of at most `linesPerRequest` lines.
    private func upload(nextSegment: @escaping () async throws -> BatchSegmenter.Segment?) async throws -> Outcome {
        var queued: [Payload] = []
        return try await upload(nextPayload: {
            while queued.isEmpty, let segment = try await nextSegment() {
                queued = JSONLinesPart.split(
                    segment.bytes, firstLine: segment.firstLine, maxLines: linesPerRequest, maxBytes: Self.maxBytesPerRequest
                )
                .map { Payload(bytes: $0.bytes, file: nil, type: "application/x-ndjson", lines: $0.firstLine...$0.lastLine) }
            }
            return queued.isEmpty ? nil : queued.removeFirst()
        })
    }

    /// Sends the payloads `nextPayload` gives, part after part. A part the server refuses or never answers
    /// (it crashed, the network failed) is an answer of its own; once the server cannot be reached, or
    /// refuses the caller, the rest of the batch is not sent.
    private func upload(nextPayload: @escaping () async throws -> Payload?) async throws -> Outcome {
        var answers: [Int: PartAnswer] = [:]
        var notSentFrom: Int?
        try await withThrowingTaskGroup(of: (Int, PartAnswer).self) { group in
            var (running, index) = (0, 0)
            var callerRefused = false
            while let payload = try await nextPayload() {
                if running == inFlight, let (done, answer) = try await group.next() {
                    answers[done] = answer
                    running -= 1
                    if case .failure(let refusal) = answer.answer, refusal.stopsTheUpload { callerRefused = true }
                }
                guard !callerRefused else {
                    notSentFrom = payload.lines?.lowerBound ?? 1
                    break
                }
                group.addTask { [index] in (index, try await send(payload)) }
                (running, index) = (running + 1, index + 1)
            }
            for try await (done, answer) in group {
                answers[done] = answer
            }
        }
        return Outcome(answers: answers.keys.sorted().map { answers[$0]! }, notSentFrom: notSentFrom)
    }

    private func send(_ payload: Payload) async throws -> PartAnswer {
        let query = "format=\(format.rawValue)" + (payload.lines.map { "&firstLine=\($0.lowerBound)" } ?? "")
        let answerFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-answer-\(UUID().uuidString)").path
        do {
            let answer = try await client.send(
                "POST", "/api/v1/referrals?\(query)", body: Array(payload.bytes), bodyFile: payload.file, contentType: payload.type,
                accepting: [422], responseFile: answerFile)
            return PartAnswer(lines: payload.lines, answer: .success(answer))
        } catch let refusal as ServerRefusal {
            return PartAnswer(lines: payload.lines, answer: .failure(refusal))
        } catch let error as TransferError {
            try? FileManager.default.removeItem(atPath: answerFile)
            return PartAnswer(lines: payload.lines, answer: .failure(ServerRefusal(status: nil, description: "\(client.base): no answer (\(error))")))
        }
    }
}
