const { defaultWorkload, generateWorkload } = require('./dist/bench/workload.js');
const { applyBatch } = require('./dist/src/lib/engine/applyBatch.js');
const { compileJob } = require('./dist/src/lib/engine/compileJob.js');
const { defaultJob } = require('./dist/src/lib/engine/job.js');
const { decodeMessage } = require('./dist/src/lib/engine/decodeMessage.js');
const { validateClickEvent } = require('./dist/src/lib/clickstream/validateClickEvent.js');
const { createPartitionProgress } = require('./dist/src/lib/engine/state/partitionProgress.js');
const job = compileJob(defaultJob);
const msgs = generateWorkload(defaultWorkload);
const batches = [];
for (let i = 0; i < msgs.length; i += 100) batches.push(msgs.slice(i, i + 100).map((m, j) => ({ sequenceNumber: i + j, enqueuedTimeMs: m.enqueuedTimeMs, body: m.body })));
function pass() {
  let progress = createPartitionProgress('0');
  for (const b of batches) { const u = applyBatch(job, progress, b, b[b.length-1].enqueuedTimeMs); progress = u[u.length-1].progress; }
}
function time(name, f) { const t = process.cpuUsage(); f(); const d = process.cpuUsage(t); const s = (d.user + d.system) / 1e6; console.log(name, (msgs.length / s / 1000).toFixed(0), 'k ev/s', (s / msgs.length * 1e6).toFixed(2), 'us/ev'); }
const bodies = msgs.map(m => m.body);
const parsed = bodies.map(b => JSON.parse(b));
for (let r = 0; r < 4; r++) {
  time('parse', () => { for (const b of bodies) JSON.parse(b); });
  time('validate', () => { for (const p of parsed) validateClickEvent(p); });
  time('decode', () => { for (const b of bodies) decodeMessage(job.input, b); });
  time('apply', pass);
}
