import Foundation
import Hummingbird
import VigilActions
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// Batch import, check retries and the audit log.
struct ReferralAndResearchRoutes {
    let store: any Store
    let sources: [IntelSourceSpec]
    let metrics: ServerMetrics
    /// The server's clock: every instant a request is stamped or judged with.
    let now: @Sendable () -> Date

    func register(on api: RouterGroup<APIContext>) {
        api.post("referrals") { request, context in
            _ = try context.require(.importReferrals)
            let received = ContinuousClock.now
            guard let format = request.uri.queryParameters.get("format").flatMap({ IntakeFormat(rawValue: $0.lowercased()) }) else {
                throw APIError.badRequest("add ?format=nca, ?format=p2p or ?format=cybertip-xml")
            }
            let type = request.headers[.contentType]?.lowercased() ?? ""
            let accepted =
                format == .cybertipXML
                ? ["text/xml", "application/xml"]
                : ["application/json", "application/x-ndjson", "application/jsonl"] + (format == .p2p ? ["text/csv"] : [])
            guard accepted.contains(where: { type.hasPrefix($0) }) else {
                throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the batch as \(accepted.joined(separator: ", "))")
            }
            let firstLine = try APIBody.count(request, "firstLine", default: 1, minimum: 1, maximum: Int(Int32.max))
            let report = try SpooledImportReport()
            var batches = BatchBody(request.body, format: format, firstLine: firstLine, now: now)
            try await ImportPipeline(store: store, sources: sources, now: now).run(nextBatch: { try await batches.next() }) { records, outcomes in
                try report.add(file: "body", format: format, records: records, outcomes: outcomes)
                metrics.gradedAfter(ContinuousClock.now - received)
            }
            let counts = report.counts
            metrics.referralsReceived(source: format.source, count: counts.accepted)
            try await context.audit(
                store, at: now(), .referralsImport,
                detail: "\(counts.accepted) accepted, \(counts.duplicates) duplicates, \(counts.rejected) rejected")
            return APIBody.json(report: try report.finishedJSON(), status: counts.rejected == 0 ? .ok : .unprocessableContent)
        }
        api.post("checks/:id/retry") { _, context in
            let user = try context.require(.manageChecks)
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text), id > 0 else { throw APIError.badRequest("'\(text)' is not a check id") }
            let check = try await CaseActions(store: store, now: now).retryCheck(id, by: context.caseActor(user))
            return try APIBody.json(check)
        }
        api.get("audit") { request, context in
            _ = try context.require(.readAudit)
            let caseId = try request.uri.queryParameters.get("case").map { text in
                guard let id = CaseID(text: text) else { throw APIError.badRequest("'\(text)' is not a case id") }
                return id
            }
            let entries = try await store.audit(caseId: caseId)
            try await context.audit(store, at: now(), .auditRead, caseId: caseId, detail: "API")
            return try APIBody.json(entries)
        }
    }
}
