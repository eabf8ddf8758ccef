const { defaultWorkload, generateWorkload } = require('./dist/bench/workload.js');
const { validateClickEvent } = require('./dist/src/lib/clickstream/validateClickEvent.js');
const msgs = generateWorkload(defaultWorkload);
const parsed = msgs.map(m => JSON.parse(m.body));
for (let r = 0; r < 8; r++) for (const p of parsed) validateClickEvent(p);
