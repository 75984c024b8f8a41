//! The memory budget, enforced per input: every target's Rust
//! allocations go through this allocator, and once the bytes live since the
//! input started exceed [`LIMIT`] an allocation fails, which aborts with
//! "memory allocation of N bytes failed" (a crash libFuzzer saves). This is
//! exact where `-rss_limit_mb` is not: that one is for the whole process,
//! AddressSanitizer's quarantine of freed memory included.
//!
//! `FUZZ_MEMORY_LIMIT_MB` overrides the limit (0: none).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// 256 MiB, the budget for one input.
pub const LIMIT: usize = 256 << 20;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static BASE: AtomicUsize = AtomicUsize::new(0);
static MAX: AtomicUsize = AtomicUsize::new(usize::MAX);

struct Budget;

#[global_allocator]
static ALLOC: Budget = Budget;

unsafe impl GlobalAlloc for Budget {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                LIVE.fetch_sub(new_size - old, Relaxed);
            }
        } else if new_size < old {
            LIVE.fetch_sub(old - new_size, Relaxed);
        }
        p
    }
}

/// Counts `size` more bytes, unless that would pass the input's budget.
fn reserve(size: usize) -> bool {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    let max = MAX.load(Relaxed);
    if max != usize::MAX && live.saturating_sub(BASE.load(Relaxed)) > max {
        LIVE.fetch_sub(size, Relaxed);
        return false;
    }
    true
}

/// Starts an input: the budget counts from what is live now.
pub fn start() {
    if MAX.load(Relaxed) == usize::MAX {
        let mb = std::env::var("FUZZ_MEMORY_LIMIT_MB")
            .ok()
            .and_then(|v| v.parse::<usize>().ok());
        let max = match mb {
            Some(0) => usize::MAX - 1, // no limit (MAX is never usize::MAX again)
            Some(mb) => mb << 20,
            None => LIMIT,
        };
        MAX.store(max, Relaxed);
    }
    BASE.store(LIVE.load(Relaxed), Relaxed);
}
