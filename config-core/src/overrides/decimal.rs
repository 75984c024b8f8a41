//! Just enough decimal arithmetic to compute float `range()` sweeps the way
//! Hydra does: each float is converted to its exact decimal value
//! (`decimal.Decimal(x)`), the step is added with Python's default context
//! (28 significant digits, round half to even), and each value is rounded
//! back to the nearest float. This is why `range(0,1,0.3)` ends with
//! `0.8999999999999999` in both Hydra and here.

use std::cmp::Ordering;

/// A decimal number: `digits × 10^exp`, or an infinity, or NaN.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Decimal {
    Finite {
        neg: bool,
        /// Most significant first, no leading zeros; empty for zero.
        digits: Vec<u8>,
        exp: i64,
    },
    Inf {
        neg: bool,
    },
    NaN,
}

/// Python's default context precision.
const PRECISION: usize = 28;

impl Decimal {
    /// The exact decimal value of `x`.
    pub(crate) fn from_f64(x: f64) -> Decimal {
        if x.is_nan() {
            return Decimal::NaN;
        }
        if x.is_infinite() {
            return Decimal::Inf { neg: x < 0.0 };
        }
        let neg = x.is_sign_negative();
        let bits = x.to_bits();
        let raw_exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut mantissa, mut exp2) = if raw_exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), raw_exp - 1075)
        };
        if mantissa == 0 {
            return Decimal::Finite {
                neg,
                digits: Vec::new(),
                exp: 0,
            };
        }
        let tz = mantissa.trailing_zeros() as i64;
        mantissa >>= tz;
        exp2 += tz;
        let mut limbs = vec![
            mantissa % BASE,
            mantissa / BASE % BASE,
            mantissa / BASE / BASE,
        ];
        let exp10 = if exp2 >= 0 {
            for _ in 0..exp2 {
                mul_small(&mut limbs, 2);
            }
            0
        } else {
            for _ in 0..-exp2 {
                mul_small(&mut limbs, 5);
            }
            exp2
        };
        Decimal::Finite {
            neg,
            digits: limbs_to_digits(&limbs),
            exp: exp10,
        }
        .normalized()
    }

    pub(crate) fn is_nan(&self) -> bool {
        matches!(self, Decimal::NaN)
    }

    /// -1, 0 or 1; `None` for NaN.
    pub(crate) fn signum(&self) -> Option<i8> {
        match self {
            Decimal::NaN => None,
            Decimal::Inf { neg } => Some(if *neg { -1 } else { 1 }),
            Decimal::Finite { digits, .. } if digits.is_empty() => Some(0),
            Decimal::Finite { neg, .. } => Some(if *neg { -1 } else { 1 }),
        }
    }

    /// The nearest float.
    pub(crate) fn to_f64(&self) -> f64 {
        match self {
            Decimal::NaN => f64::NAN,
            Decimal::Inf { neg: true } => f64::NEG_INFINITY,
            Decimal::Inf { neg: false } => f64::INFINITY,
            Decimal::Finite { neg, digits, exp } => {
                let mut s = String::with_capacity(digits.len() + 24);
                if *neg {
                    s.push('-');
                }
                if digits.is_empty() {
                    s.push('0');
                }
                s.extend(digits.iter().map(|d| char::from(b'0' + d)));
                s.push('e');
                s.push_str(&exp.to_string());
                s.parse().unwrap_or(f64::NAN)
            }
        }
    }

    /// `self < other` (false when either is NaN).
    pub(crate) fn lt(&self, other: &Decimal) -> bool {
        self.cmp_value(other) == Some(Ordering::Less)
    }

    fn cmp_value(&self, other: &Decimal) -> Option<Ordering> {
        let key = |d: &Decimal| match d {
            Decimal::NaN => None,
            Decimal::Inf { neg: true } => Some(-2),
            Decimal::Inf { neg: false } => Some(2),
            Decimal::Finite { .. } => Some(0),
        };
        let (ka, kb) = (key(self)?, key(other)?);
        if ka != 0 || kb != 0 {
            return Some(ka.cmp(&kb));
        }
        let sa = self.signum()?;
        let sb = other.signum()?;
        if sa != sb {
            return Some(sa.cmp(&sb));
        }
        let mag = cmp_magnitude(self, other);
        Some(if sa < 0 { mag.reverse() } else { mag })
    }

    /// `self + other`, rounded to 28 significant digits, half to even.
    pub(crate) fn add(&self, other: &Decimal) -> Decimal {
        match (self, other) {
            (Decimal::NaN, _) | (_, Decimal::NaN) => Decimal::NaN,
            (Decimal::Inf { neg: a }, Decimal::Inf { neg: b }) if a != b => Decimal::NaN,
            (Decimal::Inf { neg }, _) | (_, Decimal::Inf { neg }) => Decimal::Inf { neg: *neg },
            (
                Decimal::Finite {
                    neg: na,
                    digits: da,
                    exp: ea,
                },
                Decimal::Finite {
                    neg: nb,
                    digits: db,
                    exp: eb,
                },
            ) => {
                let exp = (*ea).min(*eb);
                let a = aligned(da, ea - exp);
                let b = aligned(db, eb - exp);
                let (neg, digits) = if na == nb {
                    (*na, add_digits(&a, &b))
                } else {
                    match cmp_digits(&a, &b) {
                        Ordering::Equal => (false, Vec::new()),
                        Ordering::Greater => (*na, sub_digits(&a, &b)),
                        Ordering::Less => (*nb, sub_digits(&b, &a)),
                    }
                };
                Decimal::Finite { neg, digits, exp }.normalized().rounded()
            }
        }
    }

    /// Drops leading zeros (the value is unchanged).
    fn normalized(mut self) -> Decimal {
        if let Decimal::Finite { digits, .. } = &mut self {
            let lead = digits.iter().take_while(|&&d| d == 0).count();
            digits.drain(..lead);
        }
        self
    }

    fn rounded(self) -> Decimal {
        let Decimal::Finite {
            neg,
            mut digits,
            mut exp,
        } = self
        else {
            return self;
        };
        if digits.len() <= PRECISION {
            return Decimal::Finite { neg, digits, exp };
        }
        let dropped = digits.split_off(PRECISION);
        exp += dropped.len() as i64;
        let first = dropped[0];
        let rest_nonzero = dropped[1..].iter().any(|&d| d != 0);
        let odd = digits.last().is_some_and(|d| d % 2 == 1);
        let up = first > 5 || (first == 5 && (rest_nonzero || odd));
        if up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    digits.pop();
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        Decimal::Finite { neg, digits, exp }
    }
}

const BASE: u64 = 1_000_000_000;

fn mul_small(limbs: &mut Vec<u64>, m: u64) {
    let mut carry = 0;
    for l in limbs.iter_mut() {
        let v = *l * m + carry;
        *l = v % BASE;
        carry = v / BASE;
    }
    while carry > 0 {
        limbs.push(carry % BASE);
        carry /= BASE;
    }
}

fn limbs_to_digits(limbs: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(limbs.len() * 9);
    for l in limbs.iter().rev() {
        let mut chunk = [0u8; 9];
        let mut v = *l;
        for d in chunk.iter_mut().rev() {
            *d = (v % 10) as u8;
            v /= 10;
        }
        out.extend_from_slice(&chunk);
    }
    out
}

fn aligned(digits: &[u8], shift: i64) -> Vec<u8> {
    let mut v = digits.to_vec();
    v.resize(digits.len() + shift.max(0) as usize, 0);
    v
}

fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = &a[a.iter().take_while(|&&d| d == 0).count()..];
    let b = &b[b.iter().take_while(|&&d| d == 0).count()..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_magnitude(a: &Decimal, b: &Decimal) -> Ordering {
    match (a, b) {
        (
            Decimal::Finite {
                digits: da,
                exp: ea,
                ..
            },
            Decimal::Finite {
                digits: db,
                exp: eb,
                ..
            },
        ) => {
            let exp = (*ea).min(*eb);
            cmp_digits(&aligned(da, ea - exp), &aligned(db, eb - exp))
        }
        _ => Ordering::Equal,
    }
}

fn add_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let n = a.len().max(b.len());
    let mut out = vec![0u8; n + 1];
    let mut carry = 0u8;
    for i in 0..n {
        let da = if i < a.len() { a[a.len() - 1 - i] } else { 0 };
        let db = if i < b.len() { b[b.len() - 1 - i] } else { 0 };
        let s = da + db + carry;
        out[n - i] = s % 10;
        carry = s / 10;
    }
    out[0] = carry;
    out
}

/// `a - b` for `a >= b`.
fn sub_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    let mut borrow = 0i8;
    for i in 0..a.len() {
        let da = a[a.len() - 1 - i] as i8;
        let db = if i < b.len() {
            b[b.len() - 1 - i] as i8
        } else {
            0
        };
        let mut s = da - db - borrow;
        borrow = 0;
        if s < 0 {
            s += 10;
            borrow = 1;
        }
        out[a.len() - 1 - i] = s as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_conversion() {
        let d = Decimal::from_f64(0.3);
        let Decimal::Finite { digits, exp, .. } = &d else {
            panic!()
        };
        let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        assert_eq!(s, "299999999999999988897769753748434595763683319091796875");
        assert_eq!(*exp, -54);
        assert_eq!(d.to_f64(), 0.3);
    }

    #[test]
    fn rounding_half_even() {
        let step = Decimal::from_f64(0.3);
        let mut cur = Decimal::from_f64(0.0);
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(cur.to_f64());
            cur = cur.add(&step);
        }
        assert_eq!(got, [0.0, 0.3, 0.6, 0.8999999999999999]);
        assert!(Decimal::from_f64(-1.0).lt(&Decimal::from_f64(0.5)));
        assert_eq!(
            Decimal::from_f64(1.0)
                .add(&Decimal::from_f64(-1.0))
                .to_f64()
                .to_bits(),
            0.0f64.to_bits()
        );
    }
}
