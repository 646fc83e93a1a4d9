//! usage: bench-native <summary.json> <iterations>
//! Reads the report once, then times, `iterations` times after one warm-up run: reading the JSON
//! text into a `Report` (on its own), and `generate` then `wasm::pack::pack` (what the wasm edge
//! calls: the text read, planned and dropped, the files written, the output packed into what it
//! hands to JavaScript, each statement's SQL left in the file that holds it). `generate_ns` is the second less the first. Prints one JSON object: nanosecond
//! samples per phase, the output's sizes, and the heap (live and peak bytes over the report text,
//! from a counting allocator) after each phase of the warm-up run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use smartspec_data_migration_generator::wasm::pack::pack;
use smartspec_data_migration_generator::{generate, report, Options};

/// The system allocator, counting live bytes and their peak.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        if !q.is_null() {
            if new_size >= layout.size() {
                let now =
                    LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: bench-native <summary.json> <iterations>");
    let iterations: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let text = std::fs::read_to_string(path).expect("the report is readable");
    let options = Options::default();
    let (mut parse, mut gen, mut total) = (vec![], vec![], vec![]);
    let mut sizes = (0usize, 0usize, 0usize);
    let mut heap = String::new();
    for i in 0..=iterations {
        // Reading alone, timed (and its heap measured) on its own.
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let t0 = Instant::now();
        let r = report::from_json(&text).expect("the report reads");
        let read = t0.elapsed();
        let (live_parse, peak_parse) = (LIVE.load(Relaxed) - base, PEAK.load(Relaxed) - base);
        drop(r);
        // As the wasm edge calls it: the text handed over (dropped once the plan is made), the
        // output packed. The report text is not counted in the heap.
        let owned = text.clone();
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let t1 = Instant::now();
        let packed = pack(generate(owned, &options).expect("the report generates"));
        let whole = t1.elapsed();
        let live_gen = (LIVE.load(Relaxed) + text.len()).saturating_sub(base);
        let peak_gen = PEAK.load(Relaxed) - base;
        if i == 0 {
            sizes = (
                packed.contents.iter().map(String::len).sum::<usize>(),
                packed.nums.first().copied().unwrap_or(0) as usize,
                packed.meta.len() + packed.table.len() + packed.blob.len() + 4 * packed.nums.len(),
            );
            heap = format!(
                "{{\"report_text\":{},\"live_after_read\":{},\"peak_read\":{},\"live_after_generate\":{},\"peak_generate\":{}}}",
                text.len(), live_parse, peak_parse, live_gen, peak_gen
            );
            continue;
        }
        parse.push(read.as_nanos());
        gen.push(whole.saturating_sub(read).as_nanos());
        total.push(whole.as_nanos());
        drop(packed);
    }
    println!(
        "{{\"parse_ns\":{:?},\"generate_ns\":{:?},\"total_ns\":{:?},\"sql_bytes\":{},\"statements\":{},\"packed_bytes\":{},\"heap\":{}}}",
        parse, gen, total, sizes.0, sizes.1, sizes.2, heap
    );
}
