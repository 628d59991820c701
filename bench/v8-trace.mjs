// Loaded with --import by `ingest-cpu` when BENCH_V8_TRACE is set: V8's tracing flags cannot be
// given in NODE_OPTIONS, but may be set at run time (they are process-wide: workers trace too).
import v8 from 'node:v8';
v8.setFlagsFromString('--trace-opt');
v8.setFlagsFromString('--trace-deopt');
