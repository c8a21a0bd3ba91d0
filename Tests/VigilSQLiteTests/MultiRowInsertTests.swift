import GRDB
import Testing
@testable import VigilSQLite
import VigilStore
import VigilTesting

@Suite("multi-row inserts")
struct MultiRowInsertTests {
    @Test(
        "every row lands with its own values and the shared ones, in order, however many statements it takes",
        arguments: [1, 2, MultiRowInsert.rowsPerStatement, MultiRowInsert.rowsPerStatement + 1, 3 * MultiRowInsert.rowsPerStatement + 5])
    func rowsLand(count: Int) throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL, n INTEGER, kind TEXT NOT NULL, at INTEGER)")
            let insert = MultiRowInsert("INSERT INTO t (owner, name, n, kind, at)", rowTemplate: "(?1, ?, ?, 'fixed', ?2)", sharedCount: 2)
            #expect(insert.rowWidth == 2)
            let values = (0..<count).flatMap { [BoundValue.text("row \($0)"), $0 % 3 == 0 ? .null : .integer(Int64($0))] }
            try insert.run(db, shared: [.integer(42), .integer(7)], rowValues: values)
            let rows = try Row.fetchAll(db, sql: "SELECT owner, name, n, kind, at FROM t ORDER BY id")
            #expect(rows.count == count)
            for (index, row) in rows.enumerated() {
                #expect(row[0] as Int64 == 42)
                #expect(row[1] as String == "row \(index)")
                #expect(row[2] as Int64? == (index % 3 == 0 ? nil : Int64(index)))
                #expect(row[3] as String == "fixed")
                #expect(row[4] as Int64 == 7)
            }
        }
    }

    @Test("no rows: nothing is inserted")
    func noRows() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL)")
            try MultiRowInsert("INSERT INTO t (owner, name)", rowTemplate: "(?1, ?)", sharedCount: 1)
                .run(db, shared: [.integer(1)], rowValues: [])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 0)
        }
    }
}
