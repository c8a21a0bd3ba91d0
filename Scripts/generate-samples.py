#!/usr/bin/env python3
"""Generate Vigil's synthetic sample batches (deterministic: same seed, same files).

Everything is invented: RFC 5737 documentation IP addresses, example.* domains, random hashes,
obviously invented names. Metadata only; no imagery exists anywhere.

Writes, under Samples/:
  nca-packages.jsonl   200 NCA packages covering every branch of the vigil-1 tree
  nca-array.json       20 NCA packages as one JSON array
  p2p-leads.jsonl      120 P2P leads (JSON Lines)
  p2p-leads.csv        100 P2P leads (CSV with a header row)
  supplementary/       a package, a supplementary package that re-grades it, one disseminated too early
  households/          two packages joined by one phone, each with a child at a subscriber address in
                       another town: one case, two households
Usage: python3 Scripts/generate-samples.py [--out Samples]
"""
import argparse
import csv
import datetime as dt
import json
import os
import random

SEED = 20231123
START = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
FIRST = ["Sam", "Tess", "Ivor", "Polly", "Barry", "Fiona", "Norm", "Wendy", "Otto", "Cass"]
LAST = ["Sample", "Testcase", "Invented", "Placeholder", "Fakename", "Madeup", "Dummy", "Fixture"]
TOWNS = ["Exampleton", "Sampleford", "Testbury", "Mockley"]
ESPS = [("Example Social", "Example Chat"), ("Example Video", "Example Clips"), ("Example Mail", "Example Mail")]

# Each scenario sets the facts that make one branch of the tree fire.
SCENARIOS = [
    "car", "priority1", "escalated",                       # phase 1: imminent danger
    "rso_access", "rso_behaviour", "rso_alone",            # phase 2: sexual offence history
    "household_enticement", "teacher", "access_other", "victim_recipient",  # phase 3: access (+ behaviour)
    "molestation", "sextortion", "live_streaming",         # phase 3: behaviour alone
    "distribution", "plain", "plain",                      # phase 4 and 5
]


def ts(moment):
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def person(rng, index):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    user = f"u{rng.randrange(10**6):06d}"
    # Every 25th referral reuses an earlier account, so linking joins it to an open case.
    if index % 25 == 24:
        user = "u000042"
    return {
        "firstName": first,
        "lastName": f"{last}{index}",
        "dateOfBirth": f"19{rng.randrange(60, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
        "espService": "Example Chat",
        "espUserId": user,
        "screenName": {"value": f"{first.lower()}_{user}"},
        "emails": {"emails": [{"value": f"{first.lower()}.{user}@example.com"}]},
        "phones": {"phones": [{"value": f"07700 900{rng.randrange(1000):03d}"}]},
        "addresses": {"addresses": [{"street1": f"{rng.randrange(1, 200)} Example Road", "city": rng.choice(TOWNS),
                                     "postalCode": f"ZZ{rng.randrange(1, 99)} {rng.randrange(1, 9)}XA", "country": "GB"}]},
        "accessToChildren": None,
        "convictedSexOffender": None,
        "sourceInformation": {"sourceCaptures": [{
            "captureType": "IP Address", "value": f"203.0.113.{rng.randrange(1, 255)}",
            "dateTime": None, "eventName": "Upload", "port": rng.choice([443, 80, 51413])}]},
    }


def package(rng, index):
    received = START + dt.timedelta(hours=rng.randrange(0, 24 * 170))
    scenario = SCENARIOS[index % len(SCENARIOS)]
    esp, service = rng.choice(ESPS)
    suspect = person(rng, index)
    suspect["espService"] = service
    suspect["sourceInformation"]["sourceCaptures"][0]["dateTime"] = ts(received - dt.timedelta(days=3))
    files = [{"filename": f"file{index}_{n}.bin", "verificationHash": "%032x" % rng.getrandbits(128),
              "viewedByEsp": rng.choice([True, False, None]), "publiclyAvailable": False,
              "industryClassification": rng.choice(["A1", "A2", "B1", "B2"]), "fileAnnotations": []}
             for n in range(rng.randrange(1, 4))]
    doc = {
        "packageId": f"NCA-2026-{index:05d}",
        "packageType": "NOCAP",
        "disseminatedAt": ts(received),
        "ncmecPriority": rng.choice(["2", "3", "E"]),
        "cybertip": {
            "reportId": 190000000 + index,
            "dateReceived": ts(received - dt.timedelta(days=rng.randrange(1, 20))),
            "reportedInformation": {
                "reportingEsp": {"espName": esp},
                "incidentSummary": {"incidentType": "Child Pornography (possession, manufacture, and distribution)",
                                    "incidentDateTime": ts(received - dt.timedelta(days=30)),
                                    "escalateToHighPriority": None, "reportAnnotations": []},
                "reportedPeople": {"reportedPersons": [suspect]},
                "uploadedFiles": {"uploadedFiles": files},
            },
            "additionalInfo": "unknown fields are kept verbatim in the stored payload",
        },
    }
    info = doc["cybertip"]["reportedInformation"]
    if index % 3 == 0:
        doc["subscriber"] = {
            "ipAddress": f"198.51.100.{rng.randrange(1, 255)}", "at": ts(received - dt.timedelta(days=3)),
            "isp": "Example Broadband", "addressType": rng.choice(["installation", "billing"]),
            "address": {"line1": f"{rng.randrange(1, 90)} Example Row", "town": rng.choice(TOWNS),
                        "postcode": f"ZZ{rng.randrange(1, 99)} 0XA"},
            "subscriberName": f"{suspect['firstName']} {suspect['lastName']}",
        }
    if scenario == "car":
        doc["packageType"] = "CAR"
    elif scenario == "priority1":
        doc["ncmecPriority"] = "1"
    elif scenario == "escalated":
        info["incidentSummary"]["escalateToHighPriority"] = "ESP believes a child is in imminent danger"
    elif scenario.startswith("rso"):
        suspect["convictedSexOffender"] = True
        if scenario == "rso_access":
            doc["childrenKnown"] = [{"age": rng.randrange(3, 15), "relation": "other"}]
        elif scenario == "rso_behaviour":
            info["incidentSummary"]["reportAnnotations"] = ["csamSolicitation"]
    elif scenario == "household_enticement":
        doc["childrenKnown"] = [{"age": rng.randrange(2, 17), "relation": "household"}]
        info["incidentSummary"]["incidentType"] = "Online Enticement of Children for Sexual Acts"
    elif scenario == "teacher":
        doc["suspectOccupation"] = {"title": "Teaching assistant", "worksWithChildren": True}
    elif scenario == "access_other":
        suspect["accessToChildren"] = True
    elif scenario == "victim_recipient":
        info["intendedRecipients"] = {"intendedRecipients": [
            {"approximateAge": rng.randrange(10, 17), "screenName": {"value": f"recipient{index}"}}]}
    elif scenario == "molestation":
        info["incidentSummary"]["incidentType"] = "Child Sexual Molestation"
    elif scenario == "sextortion":
        info["incidentSummary"]["reportAnnotations"] = ["sextortion"]
    elif scenario == "live_streaming":
        files[0]["fileAnnotations"] = ["liveStreaming"]
    elif scenario == "distribution":
        files[0]["publiclyAvailable"] = True
    if index % 7 == 0:
        doc["packageType"] = doc["packageType"].lower()   # enums are case-insensitive
    return doc


def lead(rng, index):
    detected = START + dt.timedelta(hours=rng.randrange(0, 24 * 170))
    last_seen = detected - dt.timedelta(hours=rng.randrange(1, 48))
    first_seen = last_seen - dt.timedelta(days=rng.randrange(0, 30))
    network = rng.choice(["BitTorrent", "Gnutella", "eD2k", "Freenet", "Other"])
    client = "%016x" % rng.getrandbits(64)
    if index % 20 == 19:
        client = "00000000c0ffee00"          # a persistent client seen again: linked to one case
        network = "BitTorrent"
    return {
        "leadId": f"P2P-2026-{index:05d}",
        "tool": rng.choice(["ExampleWatch 3.1", "SampleSeeker 2.0"]),
        "network": network if index % 9 else network.upper(),
        "detectedAt": ts(detected),
        "ipAddress": f"192.0.2.{rng.randrange(1, 255)}" if index % 4 else f"2001:db8::{rng.randrange(1, 65535):x}",
        "port": rng.randrange(1024, 65535),
        "clientId": client,
        "firstSeen": ts(first_seen),
        "lastSeen": ts(last_seen),
        "observationCount": rng.randrange(1, 50),
        "knownFileCount": rng.randrange(1, 30),
        "categoryACount": rng.randrange(0, 10),
        "country": "GB",
        "region": "Exampleshire",
        "isp": "Example Broadband",
        "geoAsOf": (detected.date() - dt.timedelta(days=2)).isoformat(),
    }


def small_package(pid, at, extra=None, person=None, report=191900001):
    """A minimal NOCAP package about one invented person (fixed content: no randomness)."""
    reported = {"firstName": "Sully", "lastName": "Supplement", "espService": "Example Chat", "espUserId": "sully-s-0042"}
    reported.update(person or {})
    result = {
        "packageId": pid, "packageType": "NOCAP", "disseminatedAt": at,
        "cybertip": {"reportId": report, "reportedInformation": {
            "reportingEsp": {"espName": "Example Social"},
            "incidentSummary": {"incidentType": "Child Pornography (possession, manufacture, and distribution)", "reportAnnotations": []},
            "reportedPeople": {"reportedPersons": [reported]},
            "uploadedFiles": {"uploadedFiles": [{
                "filename": "redacted.bin", "verificationHash": "3c7e1f9a0b5d42e8a6c1d7f20e9b4a55", "viewedByEsp": True,
                "publiclyAvailable": False, "industryClassification": "B2", "fileAnnotations": []}]}}}}
    result.update(extra or {})
    return result


def write_lines(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def supplementary_and_household_samples(out):
    write_lines(os.path.join(out, "supplementary", "nca-original.jsonl"), [small_package("NCA-SUP-0001", "2026-11-02T10:00:00Z")])
    write_lines(os.path.join(out, "supplementary", "nca-supplements.jsonl"), [
        small_package("NCA-SUP-0001", "2026-11-09T10:00:00Z",
                      {"supplementary": True, "childrenKnown": [{"age": 5, "relation": "household"}]},
                      {"convictedSexOffender": True}),
        small_package("NCA-SUP-0002", "2026-10-01T10:00:00Z", {"supplements": "NCA-SUP-0001"}),
    ])
    phone = {"phones": {"phones": [{"value": "+44 7700 900777"}]}}
    homes = [
        ("NCA-HH-0001", "2026-11-03T09:00:00Z", "192.0.2.41", "3 Example Terrace", "Northtown", "ZZ9 9ZZ", 7,
         {"firstName": "Harry", "lastName": "Household", "dateOfBirth": "1981-02-03", "espUserId": "harry-h-77"}),
        ("NCA-HH-0002", "2026-11-04T09:00:00Z", "192.0.2.42", "41 Sample Street", "Southville", "ZZ2 2BB", 3,
         {"firstName": "Hattie", "lastName": "Household", "dateOfBirth": "1983-04-05", "espUserId": "hattie-h-78"}),
    ]
    write_lines(os.path.join(out, "households", "nca-two-towns.jsonl"), [
        small_package(pid, at, {
            "subscriber": {"ipAddress": ip, "at": at, "isp": "Example Broadband", "addressType": "installation",
                           "address": {"line1": line1, "town": town, "postcode": postcode}},
            "childrenKnown": [{"age": age, "relation": "household"}]}, dict(who, **phone), report=191900100 + index)
        for index, (pid, at, ip, line1, town, postcode, age, who) in enumerate(homes)
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Samples"))
    out = parser.parse_args().out
    rng = random.Random(SEED)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "nca-packages.jsonl"), "w") as f:
        for index in range(200):
            f.write(json.dumps(package(rng, index)) + "\n")
    with open(os.path.join(out, "nca-array.json"), "w") as f:
        json.dump([package(rng, index) for index in range(200, 220)], f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "p2p-leads.jsonl"), "w") as f:
        for index in range(120):
            f.write(json.dumps(lead(rng, index)) + "\n")
    leads = [lead(rng, index) for index in range(120, 220)]
    with open(os.path.join(out, "p2p-leads.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(leads[0].keys()))
        writer.writeheader()
        writer.writerows(leads)
    supplementary_and_household_samples(out)


if __name__ == "__main__":
    main()
