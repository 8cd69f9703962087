//! JSON values ↔ Python objects (introspection answers, extra token fields,
//! metadata, error bodies).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// A JSON value as the Python value `json.loads` would give.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(o) => json_object_to_py(py, o)?.into_any(),
    })
}

/// A JSON object as a `dict`.
pub fn json_object_to_py<'py>(
    py: Python<'py>,
    o: &Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in o {
        d.set_item(k, json_to_py(py, v)?)?;
    }
    Ok(d)
}

/// A Python value (None, bool, int, float, str, list/tuple, dict with str keys) as JSON.
pub fn py_to_json(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = v.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if v.is_instance_of::<PyInt>() {
        match v.extract::<i64>() {
            Ok(i) => Ok(Value::from(i)),
            Err(_) => Ok(Value::from(v.extract::<u64>()?)),
        }
    } else if let Ok(f) = v.cast::<PyFloat>() {
        Ok(serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .unwrap_or(Value::Null))
    } else if let Ok(s) = v.cast::<PyString>() {
        Ok(Value::String(s.to_cow()?.into_owned()))
    } else if let Ok(d) = v.cast::<PyDict>() {
        py_dict_to_json(d).map(Value::Object)
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        Ok(Value::Array(
            v.try_iter()?
                .map(|x| py_to_json(&x?))
                .collect::<PyResult<_>>()?,
        ))
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "cannot store a {} as JSON",
            v.get_type().name()?
        )))
    }
}

/// A `dict` with string keys as a JSON object.
pub fn py_dict_to_json(d: &Bound<'_, PyDict>) -> PyResult<Map<String, Value>> {
    let mut m = Map::new();
    for (k, v) in d.iter() {
        m.insert(k.extract::<String>()?, py_to_json(&v)?);
    }
    Ok(m)
}

/// A JSON value that becomes a Python object only when delivered (for futures
/// completed on runtime threads, which do not hold the GIL).
pub struct Json(pub Value);

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        json_to_py(py, &self.0)
    }
}

/// A JSON object that becomes a `dict` (what async operations hand back).
pub struct JsonObject(pub Map<String, Value>);

impl<'py> IntoPyObject<'py> for JsonObject {
    type Target = PyDict;
    type Output = Bound<'py, PyDict>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        json_object_to_py(py, &self.0)
    }
}
