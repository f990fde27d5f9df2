//! A small safe layer over the `tflite` crate: load a `.tflite` file, check that its input and
//! output tensors have the shapes and types moodbox expects, and run it.
//!
//! The check happens at load time so that a wrong or missing model is a clear error naming
//! the file and what was expected, instead of garbage or a crash at the first scan.

use std::path::{Path, PathBuf};

use tflite::ops::builtin::BuiltinOpResolver;
use tflite::{FlatBufferModel, Interpreter, InterpreterBuilder};

/// What a model must look like: every input and output is float32 with these dimensions.
#[derive(Debug, Clone, Copy)]
pub struct ModelSpec {
    /// Human name used in errors ("face detector", "emotion classifier").
    pub role: &'static str,
    pub inputs: &'static [&'static [usize]],
    pub outputs: &'static [&'static [usize]],
}

/// Errors from loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file is not there. Fix: check the `[vision] models_dir` setting, or reinstall the
    /// package that ships /usr/share/moodbox/models.
    #[error("{role} model {path}: file not found (set [vision] models_dir or pass --models DIR)")]
    NotFound { role: &'static str, path: PathBuf },
    /// The file exists but cannot be read (permissions, I/O error).
    #[error("{role} model {path}: cannot read it: {source}")]
    Unreadable {
        role: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a TensorFlow Lite flatbuffer (wrong file, truncated download).
    #[error("{role} model {path}: not a TensorFlow Lite model ({reason})")]
    NotTflite {
        role: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// TF Lite refused the model, usually an operator this runtime (TF Lite 1.15) lacks.
    #[error("{role} model {path}: TensorFlow Lite could not load it: {reason}")]
    LoadFailed {
        role: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// The model loads but is not the model moodbox expects here.
    #[error("{role} model {path}: {tensor} is {found}, expected {expected}; is this the right model file?")]
    WrongShape {
        role: &'static str,
        path: PathBuf,
        tensor: String,
        expected: String,
        found: String,
    },
    /// Inference failed at run time.
    #[error("{role} model {path}: inference failed: {reason}")]
    InvokeFailed {
        role: &'static str,
        path: PathBuf,
        reason: String,
    },
}

/// A loaded model with checked float32 inputs and outputs.
pub struct TfliteModel {
    interpreter: Interpreter<'static, BuiltinOpResolver>,
    spec: ModelSpec,
    path: PathBuf,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
}

impl std::fmt::Debug for TfliteModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TfliteModel")
            .field("role", &self.spec.role)
            .field("path", &self.path)
            .finish()
    }
}

/// The smallest file that can hold a TF Lite model header; anything shorter is truncated.
const MIN_MODEL_BYTES: usize = 16;

impl TfliteModel {
    /// Loads `path`, checks it against `spec` and prepares it to run on `threads` threads.
    pub fn load(path: &Path, spec: ModelSpec, threads: usize) -> Result<Self, ModelError> {
        let role = spec.role;
        let bytes = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ModelError::NotFound {
                role,
                path: path.to_path_buf(),
            },
            _ => ModelError::Unreadable {
                role,
                path: path.to_path_buf(),
                source,
            },
        })?;
        check_flatbuffer(&bytes).map_err(|reason| ModelError::NotTflite {
            role,
            path: path.to_path_buf(),
            reason,
        })?;
        let load_failed = |e: tflite::Error| ModelError::LoadFailed {
            role,
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let model = FlatBufferModel::build_from_buffer(bytes).map_err(load_failed)?;
        let builder =
            InterpreterBuilder::new(model, BuiltinOpResolver::default()).map_err(load_failed)?;
        let threads = i32::try_from(threads.max(1)).unwrap_or(1);
        let interpreter = builder.build_with_threads(threads).map_err(load_failed)?;
        let inputs = interpreter.inputs().to_vec();
        let outputs = interpreter.outputs().to_vec();
        let model = TfliteModel {
            interpreter,
            spec,
            path: path.to_path_buf(),
            inputs,
            outputs,
        };
        model.check_tensors("input", &model.inputs, spec.inputs)?;
        model.check_tensors("output", &model.outputs, spec.outputs)?;
        Ok(model)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_tensors(
        &self,
        kind: &str,
        indices: &[i32],
        expected: &[&[usize]],
    ) -> Result<(), ModelError> {
        let wrong = |tensor: String, expected: String, found: String| ModelError::WrongShape {
            role: self.spec.role,
            path: self.path.clone(),
            tensor,
            expected,
            found,
        };
        if indices.len() != expected.len() {
            return Err(wrong(
                format!("the number of {kind}s"),
                expected.len().to_string(),
                indices.len().to_string(),
            ));
        }
        for (n, (&index, dims)) in indices.iter().zip(expected).enumerate() {
            let info = self.interpreter.tensor_info(index).ok_or_else(|| {
                wrong(
                    format!("{kind} {n}"),
                    format!("float32 {dims:?}"),
                    "missing".into(),
                )
            })?;
            let is_f32 = info.element_kind == tflite::context::ElementKind::kTfLiteFloat32;
            if !is_f32 || info.dims != *dims {
                return Err(wrong(
                    format!("{kind} {n} ({})", info.name),
                    format!("float32 {dims:?}"),
                    format!("{:?} {:?}", info.element_kind, info.dims),
                ));
            }
        }
        Ok(())
    }

    /// The float32 buffer of input `n` (checked at load time).
    pub fn input_mut(&mut self, n: usize) -> &mut [f32] {
        self.interpreter
            .tensor_data_mut(self.inputs[n])
            .expect("input type checked at load time")
    }

    /// Runs the model on the current inputs.
    pub fn invoke(&mut self) -> Result<(), ModelError> {
        self.interpreter
            .invoke()
            .map_err(|e| ModelError::InvokeFailed {
                role: self.spec.role,
                path: self.path.clone(),
                reason: e.to_string(),
            })
    }

    /// The float32 buffer of output `n` (checked at load time).
    pub fn output(&self, n: usize) -> &[f32] {
        self.interpreter
            .tensor_data(self.outputs[n])
            .expect("output type checked at load time")
    }
}

/// Verifies a TF Lite file (identifier, then the flatbuffers verifier) before the C++
/// runtime sees it: `FlatBufferModel::BuildFromBuffer` trusts its input, and a truncated or
/// foreign file must be an error, not a crash.
fn check_flatbuffer(bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.len() < MIN_MODEL_BYTES {
        return Err(format!("only {} bytes long", bytes.len()));
    }
    if &bytes[4..8] != b"TFL3" {
        return Err("missing the TFL3 file identifier".into());
    }
    tflite::model::Model::from_buffer(bytes)
        .map(|_| ())
        .ok_or_else(|| "the flatbuffer does not parse (truncated or corrupt)".to_string())
}
