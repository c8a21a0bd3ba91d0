import Foundation
import VigilCore
import VigilIntake

/// A minimal valid NCA package; `edit` changes it before it is serialised.
func ncaPackage(_ edit: (inout [String: Any]) -> Void = { _ in }) -> String {
    var package: [String: Any] = [
        "packageId": "NCA-T-1",
        "packageType": "NOCAP",
        "disseminatedAt": "2026-03-01T09:00:00Z",
        "cybertip": [
            "reportId": 1,
            "reportedInformation": [
                "incidentSummary": ["incidentType": "Child Pornography (possession, manufacture, and distribution)"]
            ] as [String: Any],
        ] as [String: Any],
    ]
    edit(&package)
    return String(decoding: try! JSONSerialization.data(withJSONObject: package, options: [.sortedKeys]), as: UTF8.self)
}

/// Sets a member of the nested `cybertip.reportedInformation` object.
func setInfo(_ package: inout [String: Any], _ key: String, _ value: Any) {
    var tip = package["cybertip"] as! [String: Any]
    var info = tip["reportedInformation"] as! [String: Any]
    info[key] = value
    tip["reportedInformation"] = info
    package["cybertip"] = tip
}

/// Reads a batch held in a string.
func read(_ text: String, _ format: IntakeFormat) throws -> [IntakeRecord] {
    try BatchReader.read(Array(text.utf8), format: format, now: Date())
}

/// The referral of a record that must be valid.
func referral(_ record: IntakeRecord) throws -> Referral {
    try record.result.get().referral
}

/// The field errors of a record that must be rejected.
func errors(_ record: IntakeRecord) -> [FieldError] {
    if case .failure(let rejection) = record.result { return rejection.errors }
    return []
}

/// The set of facts a referral asserts.
func factSet(_ referral: Referral) -> Set<FactKind> {
    Set(referral.observations.filter(\.value).map(\.fact))
}

extension IntakeRecord {
    /// The record's field errors, empty when it is valid.
    var errors: [FieldError] {
        if case .failure(let rejection) = result { return rejection.errors }
        return []
    }
}
