/**
 * Prints the ONNX conformance table: `npx tsx test/conformance/run.ts [name-filter]`.
 * (test/conformance/onnxNodeTests.test.ts runs the same and asserts it.)
 */
import { listNodeTests, report, runNodeTest, untestedOps } from './nodeTests.ts';

const filter = process.argv[2];
const tests = listNodeTests().filter((t) => !filter || t.name.includes(filter));
const results = tests.map(runNodeTest);
console.log(report(results));
const missing = untestedOps(listNodeTests());
if (missing.length) console.log(`  runtime ops without a single-node backend test in the data: ${missing.join(', ')}`);
if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
