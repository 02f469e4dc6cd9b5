//! `Producer`/`Consumer` clone, drop and close sequences: the queue closes
//! when the last producer or the last consumer goes, and a consumer still
//! drains what was queued.
#![no_main]

use std::collections::VecDeque;

use libfuzzer_sys::fuzz_target;
use ringq::{bounded, Consumer, Producer, TryPopError, TryPushError};
use ringq_fuzz::Input;

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let cap = input.between(1, 8);
    let (p, c) = bounded::<Box<u32>>(cap);
    let mut producers: Vec<Producer<Box<u32>>> = vec![p];
    let mut consumers: Vec<Consumer<Box<u32>>> = vec![c];
    let mut items = VecDeque::new();
    let mut closed = false;
    let mut next = 0u32;
    while !input.is_empty() {
        let op = input.below(8);
        let pick = input.byte() as usize;
        match op {
            0 if !producers.is_empty() => {
                let p = producers[pick % producers.len()].clone();
                producers.push(p);
            }
            1 if !producers.is_empty() => {
                producers.swap_remove(pick % producers.len());
                if producers.is_empty() {
                    closed = true;
                }
            }
            2 if !consumers.is_empty() => {
                let c = consumers[pick % consumers.len()].clone();
                consumers.push(c);
            }
            3 if !consumers.is_empty() => {
                consumers.swap_remove(pick % consumers.len());
                if consumers.is_empty() {
                    closed = true;
                }
            }
            4 if !producers.is_empty() => {
                let v = next;
                next += 1;
                match producers[pick % producers.len()].try_push(Box::new(v)) {
                    Ok(()) => {
                        assert!(!closed && items.len() < cap);
                        items.push_back(v);
                    }
                    Err(TryPushError::Closed(b)) => assert!(closed && *b == v),
                    Err(TryPushError::Full(b)) => assert!(!closed && items.len() == cap && *b == v),
                }
            }
            5 if !consumers.is_empty() => match consumers[pick % consumers.len()].try_pop() {
                Ok(b) => assert_eq!(Some(*b), items.pop_front()),
                Err(TryPopError::Empty) => assert!(!closed && items.is_empty()),
                Err(TryPopError::Closed) => assert!(closed && items.is_empty()),
            },
            6 if !producers.is_empty() => {
                assert_eq!(producers[pick % producers.len()].close(), !closed);
                closed = true;
            }
            7 if !consumers.is_empty() => {
                assert_eq!(consumers[pick % consumers.len()].close(), !closed);
                closed = true;
            }
            _ => {}
        }
        let any = producers.first().map(|p| p.is_closed()).or(consumers.first().map(|c| c.is_closed()));
        if let Some(is_closed) = any {
            assert_eq!(is_closed, closed);
        }
    }
    // Drop every producer: a remaining consumer drains exactly what was
    // queued, then sees the close.
    producers.clear();
    if let Some(c) = consumers.first() {
        let rest: Vec<u32> = c.iter().map(|b| *b).collect();
        assert_eq!(rest, Vec::from(items));
        assert_eq!(c.try_pop(), Err(TryPopError::Closed));
    }
});
