//! Reading our types from a JavaScript value the browser's `JSON.parse` made.
//!
//! A serde `Deserializer` over `JsValue` whose errors carry no message: when a
//! value does not fit, the page says the answer could not be read, and no
//! message is ever formatted. That is what keeps `core::fmt`'s float and
//! string formatting, serde_json's parser and its error texts out of the home
//! page's wasm (about 10 KB brotli; see BENCHMARKS.md).

use js_sys::{Array, Object};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// `T` from a parsed JSON value.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, Unreadable> {
    T::deserialize(Reader(value))
}

/// The value did not have the shape of the type.
#[derive(Debug)]
pub struct Unreadable;

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unreadable")
    }
}

impl std::error::Error for Unreadable {}

impl de::Error for Unreadable {
    /// The message is dropped unformatted (see the module's comment).
    fn custom<T: std::fmt::Display>(_message: T) -> Self {
        Unreadable
    }

    fn invalid_type(_unexpected: de::Unexpected, _expected: &dyn de::Expected) -> Self {
        Unreadable
    }

    fn invalid_value(_unexpected: de::Unexpected, _expected: &dyn de::Expected) -> Self {
        Unreadable
    }

    fn invalid_length(_length: usize, _expected: &dyn de::Expected) -> Self {
        Unreadable
    }

    fn unknown_variant(_variant: &str, _expected: &'static [&'static str]) -> Self {
        Unreadable
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Unreadable
    }

    fn missing_field(_field: &'static str) -> Self {
        Unreadable
    }

    fn duplicate_field(_field: &'static str) -> Self {
        Unreadable
    }
}

/// The largest whole number a double holds exactly (2⁵³ − 1).
const MAX_EXACT: f64 = 9_007_199_254_740_991.0;

struct Reader(JsValue);

impl<'de> de::Deserializer<'de> for Reader {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(flag) = value.as_bool() {
            visitor.visit_bool(flag)
        } else if let Some(number) = value.as_f64() {
            // Whole numbers as integers: the derived visitors of u8…u64 take no floats.
            if number.fract() == 0.0 && (0.0..=MAX_EXACT).contains(&number) {
                visitor.visit_u64(number as u64)
            } else if number.fract() == 0.0 && (-MAX_EXACT..0.0).contains(&number) {
                visitor.visit_i64(number as i64)
            } else {
                visitor.visit_f64(number)
            }
        } else if let Some(text) = value.as_string() {
            visitor.visit_string(text)
        } else if Array::is_array(&value) {
            let array: Array = value.unchecked_into();
            visitor.visit_seq(Items { array, next: 0 })
        } else if value.is_object() {
            let entries = Object::entries(value.unchecked_ref());
            visitor.visit_map(Entries { entries, next: 0, value: None })
        } else {
            Err(Unreadable)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if self.0.is_null() || self.0.is_undefined() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        // A unit variant is its name; any other is `{ "name": value }`.
        if let Some(name) = self.0.as_string() {
            return visitor.visit_enum(name.into_deserializer());
        }
        let entries = Object::entries(self.0.dyn_ref::<Object>().ok_or(Unreadable)?);
        if entries.length() != 1 {
            return Err(Unreadable);
        }
        let entry: Array = entries.get(0).unchecked_into();
        let name = entry.get(0).as_string().ok_or(Unreadable)?;
        visitor.visit_enum(Variant { name, value: entry.get(1) })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    // Each typed request calls the one visitor method it needs, so a derived
    // visitor's other methods (a struct read from an array, a field named by
    // number) are never reached and are left out of the wasm.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(Unreadable);
        }
        let entries = Object::entries(self.0.unchecked_ref());
        visitor.visit_map(Entries { entries, next: 0, value: None })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        let array: Array = self.0.dyn_into().map_err(|_| Unreadable)?;
        visitor.visit_seq(Items { array, next: 0 })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_string(self.0.as_string().ok_or(Unreadable)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_bool(self.0.as_bool().ok_or(Unreadable)?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_u64(self.whole_number()?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_u64(self.whole_number()?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_u64(self.whole_number()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_u64(self.whole_number()?)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

impl Reader {
    /// A number without a fraction, not negative and exact in a double.
    fn whole_number(&self) -> Result<u64, Unreadable> {
        let number = self.0.as_f64().ok_or(Unreadable)?;
        if number.fract() == 0.0 && (0.0..=MAX_EXACT).contains(&number) { Ok(number as u64) } else { Err(Unreadable) }
    }
}

struct Items {
    array: Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Unreadable;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Unreadable> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let item = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(Reader(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.array.length() - self.next) as usize)
    }
}

struct Entries {
    entries: Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Unreadable;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Unreadable> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let entry: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(entry.get(1));
        seed.deserialize(Reader(entry.get(0))).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Unreadable> {
        seed.deserialize(Reader(self.value.take().ok_or(Unreadable)?))
    }
}

struct Variant {
    name: String,
    value: JsValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Unreadable;
    type Variant = Reader;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Reader), Unreadable> {
        let name: de::value::StringDeserializer<Unreadable> = self.name.into_deserializer();
        Ok((seed.deserialize(name)?, Reader(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Reader {
    type Error = Unreadable;

    fn unit_variant(self) -> Result<(), Unreadable> {
        Ok(())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Unreadable> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Unreadable> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
