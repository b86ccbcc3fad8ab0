"""What OneTrainer does with the keys trainlint reads: defaults, units and sources, as data.

Every `source` is a path in Nerogar/OneTrainer at `COMMIT` with the lines given there, as the
research notes (shared/domain/trainer-formats.md, sections 4, 8 and 10) cite them. Where a fact
was read in a later or earlier stored version of a file instead, the source names the function
and says "read at" that commit: the pinned lines were not available for it.

OneTrainer reads a config with `BaseConfig.from_dict` (modules/util/config/BaseConfig.py, read at
13331438): it first runs the migrations from the file's `__version` (0 when absent) to the current
version, then takes every key it knows, converting `float(value)` / `int(value)` / `Enum[name]`,
and on any failure prints "Could not set <key>" and keeps the default. Keys it does not know are
ignored without a word. Built-in presets have no `__version` and are loaded without migration
(modules/ui/TopBarController.py:83-101); saved configs carry the version they were written with.
"""

from typing import NamedTuple

from ..base import BaseModel, KeyInfo

REPOSITORY = "Nerogar/OneTrainer"
COMMIT = "23df3832e8f213d64c337e39f9365ba46e99fed0"
MGDS_REPOSITORY = "Nerogar/mgds"
MGDS_COMMIT = "3a6994a"  # requirements-global.txt:35 at COMMIT

CONFIG_VERSION = 11  # modules/util/config/TrainConfig.py:592-611
_TC = "modules/util/config/TrainConfig.py"
_CC = "modules/util/config/ConceptConfig.py"
_FROM_DICT = "modules/util/config/BaseConfig.py from_dict (read at 13331438)"

# --- top-level keys trainlint reads ----------------------------------------------------------

KEYS: dict[str, KeyInfo] = {
    "__version": KeyInfo(
        None,
        "config version (absent: a preset, loaded without migration)",
        "modules/ui/TopBarController.py:83-101; " + _TC + ":592-611",
        json_type="integer",
        description="The config version the file was saved with; older files are migrated on load, a file without it (a preset) is not",
    ),
    "model_type": KeyInfo(
        "STABLE_DIFFUSION_15",
        "model type (enum name)",
        _TC + ":1015",
        json_type="string",
        description="The model family and variant",
    ),
    "training_method": KeyInfo(
        "FINE_TUNE",
        "training method (enum name)",
        _TC + ":1014",
        json_type="string",
        description="FINE_TUNE, LORA, EMBEDDING or FINE_TUNE_VAE",
    ),
    "base_model_name": KeyInfo(
        "stable-diffusion-v1-5/stable-diffusion-v1-5", "model path or Hub id", _TC + ":1042", json_type="string"
    ),
    "epochs": KeyInfo(100, "epochs", _TC + ":1065", json_type="integer"),
    "batch_size": KeyInfo(1, "samples per batch", _TC + ":1066", json_type="integer"),
    "gradient_accumulation_steps": KeyInfo(1, "batches per optimizer update", _TC + ":1067", json_type="integer"),
    "learning_rate": KeyInfo(
        3e-6,
        "learning rate",
        _TC + ":1061",
        json_type="number",
        description="Learning rate of every part whose own learning_rate is null",
    ),
    "learning_rate_scaler": KeyInfo(
        "NONE",
        "multiplies every learning rate by sqrt(batch_size) (BATCH), sqrt(accumulation) "
        "(GRADIENT_ACCUMULATION) or sqrt of both (BOTH); GLOBAL_* also by the GPU count",
        "modules/util/NamedParameterGroup.py parameters_for_optimizer (read at 1ee5a135)",
        json_type="string",
    ),
    "optimizer.optimizer": KeyInfo(
        "ADAMW", "optimizer (enum name)", _TC + " TrainOptimizerConfig.default_values", json_type="string"
    ),
    "concept_file_name": KeyInfo(
        "training_concepts/concepts.json",
        "path of the concepts file",
        _TC + ":1051",
        json_type="string",
        description="Path of the concepts file, read when concepts is null",
    ),
    "concepts": KeyInfo(
        None, "inline list of concepts (null: read concept_file_name)", _TC + ":1052", json_type=("array", "null")
    ),
    "aspect_ratio_bucketing": KeyInfo(True, "flag", _TC + " TrainConfig.default_values", json_type="boolean"),
    "masked_training": KeyInfo(False, "flag", _TC + " TrainConfig.default_values", json_type="boolean"),
}

# --- model parts: `unet`, `transformer`, `prior`, `text_encoder[_2,_3,_4]` --------------------

PART_FIELDS = ("train", "stop_training_after", "stop_training_after_unit", "learning_rate")

_DENOISER_SOURCE = _TC + ":1110-1131"
_TE_SOURCE = _TC + ":1144-1180"
_PART_LR = KeyInfo(
    None,
    "learning rate (null: the global learning_rate)",
    "modules/util/NamedParameterGroup.py:40",
    json_type=("number", "null"),
    description="Learning rate of this part; null: the global learning_rate",
)

DENOISER_DEFAULTS: dict[str, KeyInfo] = {
    "train": KeyInfo(True, "flag", _DENOISER_SOURCE, json_type="boolean", description="Train this part"),
    "stop_training_after": KeyInfo(
        0,
        "count in stop_training_after_unit",
        _DENOISER_SOURCE,
        json_type="integer",
        description="Stop training this part after this many stop_training_after_unit",
    ),
    "stop_training_after_unit": KeyInfo("NEVER", "time unit", _DENOISER_SOURCE, json_type="string"),
    "learning_rate": _PART_LR,
}
TEXT_ENCODER_DEFAULTS: dict[str, KeyInfo] = {
    "train": KeyInfo(True, "flag", _TE_SOURCE, json_type="boolean", description="Train this part"),
    "stop_training_after": KeyInfo(
        30,
        "count in stop_training_after_unit",
        _TE_SOURCE,
        json_type="integer",
        description="Stop training this part after this many stop_training_after_unit",
    ),
    "stop_training_after_unit": KeyInfo("EPOCH", "time unit", _TE_SOURCE, json_type="string"),
    "learning_rate": _PART_LR,
}
PART_DEFAULTS: dict[str, dict[str, KeyInfo]] = {
    "unet": DENOISER_DEFAULTS,
    "transformer": DENOISER_DEFAULTS,
    "prior": DENOISER_DEFAULTS,
    "text_encoder": TEXT_ENCODER_DEFAULTS,
    "text_encoder_2": TEXT_ENCODER_DEFAULTS,
    "text_encoder_3": TEXT_ENCODER_DEFAULTS,
    "text_encoder_4": TEXT_ENCODER_DEFAULTS,
}

# the text encoder stop: `(epoch + 1) > N` for EPOCH, `(global_step + 1) > N` for STEP, where
# global_step counts batches; NEVER never stops, ALWAYS is stopped from the start; SECOND, MINUTE
# and HOUR count wall-clock time since the start
TE_STOP_SOURCE = "modules/util/TimedActionMixin.py:78-107; modules/modelSetup/BaseModelSetup.py:159-170, 226-242"
STEP_COUNTS_BATCHES = "modules/util/TrainProgress.py:14-17; modules/trainer/GenericTrainer.py:835"
TIME_UNITS = ("EPOCH", "STEP", "SECOND", "MINUTE", "HOUR", "NEVER", "ALWAYS")  # modules/util/enum/TimeUnit.py
WALL_CLOCK_UNITS = {"SECOND": 1.0, "MINUTE": 60.0, "HOUR": 3600.0}

# --- model types -----------------------------------------------------------------------------


class ModelTypeInfo(NamedTuple):
    """One `model_type`: trainlint's base model (None: no advice for it), the part that holds the
    denoiser's settings, and the model's text encoders (the parts a TE ratio is read from)."""

    base_model: BaseModel | None
    denoiser: str
    text_encoders: tuple[str, ...]


_SD = ("text_encoder",)
_TWO = ("text_encoder", "text_encoder_2")
_THREE = ("text_encoder", "text_encoder_2", "text_encoder_3")
_FOUR = ("text_encoder", "text_encoder_2", "text_encoder_3", "text_encoder_4")

# modules/util/enum/ModelType.py (the enum and _MODEL_PARTS, read at 034da92e); KREA_2 and
# IDEOGRAM_4 are named by the shipped presets at COMMIT (their parts as those presets set them)
MODEL_TYPES: dict[str, ModelTypeInfo] = {
    "STABLE_DIFFUSION_15": ModelTypeInfo("sd-1.5", "unet", _SD),
    "STABLE_DIFFUSION_15_INPAINTING": ModelTypeInfo("sd-1.5", "unet", _SD),
    "STABLE_DIFFUSION_20": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_20_BASE": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_20_INPAINTING": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_20_DEPTH": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_21": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_21_BASE": ModelTypeInfo(None, "unet", _SD),
    "STABLE_DIFFUSION_3": ModelTypeInfo(None, "transformer", _THREE),
    "STABLE_DIFFUSION_35": ModelTypeInfo(None, "transformer", _THREE),
    "STABLE_DIFFUSION_XL_10_BASE": ModelTypeInfo("sdxl", "unet", _TWO),
    "STABLE_DIFFUSION_XL_10_BASE_INPAINTING": ModelTypeInfo("sdxl", "unet", _TWO),
    "WUERSTCHEN_2": ModelTypeInfo(None, "prior", _SD),
    "STABLE_CASCADE_1": ModelTypeInfo(None, "prior", _SD),
    "PIXART_ALPHA": ModelTypeInfo(None, "transformer", _SD),
    "PIXART_SIGMA": ModelTypeInfo(None, "transformer", _SD),
    "FLUX_DEV_1": ModelTypeInfo("flux.1", "transformer", _TWO),
    "FLUX_FILL_DEV_1": ModelTypeInfo("flux.1", "transformer", _TWO),
    "FLUX_2": ModelTypeInfo(None, "transformer", _SD),
    "SANA": ModelTypeInfo(None, "transformer", _SD),
    "HUNYUAN_VIDEO": ModelTypeInfo(None, "transformer", _TWO),
    "HI_DREAM_FULL": ModelTypeInfo(None, "transformer", _FOUR),
    "CHROMA_1": ModelTypeInfo(None, "transformer", _SD),
    "QWEN": ModelTypeInfo(None, "transformer", _SD),
    "ANIMA": ModelTypeInfo(None, "transformer", _SD),
    "Z_IMAGE": ModelTypeInfo(None, "transformer", _SD),
    "ERNIE": ModelTypeInfo(None, "transformer", _SD),
    "KREA_2": ModelTypeInfo(None, "transformer", _SD),
    "IDEOGRAM_4": ModelTypeInfo(None, "transformer", _SD),
}
MODEL_TYPE_SOURCE = "modules/util/enum/ModelType.py (enum and _MODEL_PARTS, read at 034da92e)"

# migration 8 (files older than version 9) replaces `transformer` by `prior` except for these
PRIOR_MODEL_TYPES = frozenset({"STABLE_CASCADE_1", "WUERSTCHEN_2"})

TRAINING_METHODS = {"FINE_TUNE": "full", "LORA": "lora", "EMBEDDING": None, "FINE_TUNE_VAE": None}
TRAINING_METHOD_SOURCE = "modules/util/enum/TrainingMethod.py; " + _TC + ":1014"

# modules/util/enum/Optimizer.py:121-133 is_adaptive (read at 04015e82): the learning rate is a multiplier
# of the step size the optimizer estimates itself; ADAFACTOR is not among them
ADAPTIVE_OPTIMIZERS = frozenset(
    {
        "DADAPT_SGD",
        "DADAPT_ADAM",
        "DADAPT_ADAN",
        "DADAPT_ADA_GRAD",
        "DADAPT_LION",
        "PRODIGY",
        "PRODIGY_PLUS_SCHEDULE_FREE",
        "PRODIGY_ADV",
        "LION_PRODIGY_ADV",
    }
)
ADAPTIVE_SOURCE = "modules/util/enum/Optimizer.py:121-133 is_adaptive (read at 04015e82)"

LR_SCALERS = ("NONE", "BATCH", "GLOBAL_BATCH", "GRADIENT_ACCUMULATION", "BOTH", "GLOBAL_BOTH")
LR_SCALER_SOURCE = KEYS["learning_rate_scaler"].source

# --- concepts ----------------------------------------------------------------------------------

CONCEPT_KEYS: dict[str, KeyInfo] = {
    "path": KeyInfo("", "folder of images", _CC + ":187-196", json_type="string"),
    "enabled": KeyInfo(True, "flag", _CC + ":187-196", json_type="boolean"),
    "include_subdirectories": KeyInfo(False, "flag (images in sub-folders too)", _CC + ":187-196", json_type="boolean"),
    "type": KeyInfo("STANDARD", "STANDARD / VALIDATION / PRIOR_PREDICTION", _CC + ":187-196", json_type="string"),
    "balancing": KeyInfo(
        1.0, "repeats (REPEATS) or samples per epoch (SAMPLES)", _CC + ":109-110, 187-196", json_type="number"
    ),
    "balancing_strategy": KeyInfo("REPEATS", "REPEATS / SAMPLES", _CC + ":109-110, 187-196", json_type="string"),
}
CONCEPT_TYPES_TRAINED = frozenset({"STANDARD", "PRIOR_PREDICTION"})  # VALIDATION concepts are not trained on
# concept migration 0 (concepts without `__version`): `repeats` becomes `balancing`; before `type`,
# `validation_concept: true` marked a validation concept (ConceptConfig.py, read at 13dbd217)
CONCEPT_LEGACY = {"repeats": "balancing"}

SAMPLES_SOURCE = "mgds src/mgds/pipelineModules/VariationSorting.py __init_variations"
BATCHES_SOURCE = "mgds src/mgds/pipelineModules/AspectBatchSorting.py __shuffle (stored version a8e74803)"
# modules/util/path_util.py:38-40; modules/dataLoader/mixin/DataLoaderText2ImageMixin.py:58-75
IMAGE_SUFFIXES = frozenset({".bmp", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".avif"})
IMAGE_SOURCE = "modules/util/path_util.py:38-40; DataLoaderText2ImageMixin.py:58-75"

# --- keys OneTrainer knows -----------------------------------------------------------------------

# TrainConfig's fields (TrainConfig.default_values, read at 00f380ac, a later version 12) with the
# keys the presets at COMMIT still use (`latent_caching`, `dataloader_threads`); a superset, so a
# key named here is never reported as unknown when some version reads it
TOP_LEVEL_KEYS = frozenset(
    {
        "__version",
        "training_method",
        "model_type",
        "debug_mode",
        "debug_dir",
        "workspace_dir",
        "cache_dir",
        "tensorboard",
        "tensorboard_expose",
        "tensorboard_always_on",
        "tensorboard_port",
        "validation",
        "validate_after",
        "validate_after_unit",
        "continue_last_backup",
        "prevent_overwrites",
        "include_train_config",
        "multi_gpu",
        "device_indexes",
        "gradient_reduce_precision",
        "fused_gradient_reduce",
        "async_gradient_reduce",
        "async_gradient_reduce_buffer",
        "base_model_name",
        "output_dtype",
        "output_model_format",
        "output_model_destination",
        "async_offloading",
        "force_circular_padding",
        "compile",
        "concept_file_name",
        "concepts",
        "aspect_ratio_bucketing",
        "image_caching",
        "text_caching",
        "latent_caching",
        "clear_cache_before_training",
        "learning_rate_scheduler",
        "custom_learning_rate_scheduler",
        "scheduler_params",
        "learning_rate",
        "learning_rate_warmup_steps",
        "learning_rate_cycles",
        "learning_rate_min_factor",
        "epochs",
        "batch_size",
        "gradient_accumulation_steps",
        "ema",
        "ema_decay",
        "ema_update_step_interval",
        "caching_threads",
        "dataloader_threads",
        "prefetch_next_batch",
        "train_device",
        "temp_device",
        "train_dtype",
        "fallback_train_dtype",
        "enable_autocast_cache",
        "only_cache",
        "resolution",
        "frames",
        "attention_mechanism",
        "mse_strength",
        "mae_strength",
        "log_cosh_strength",
        "huber_strength",
        "huber_delta",
        "vb_loss_strength",
        "loss_weight_fn",
        "loss_weight_strength",
        "dropout_probability",
        "loss_scaler",
        "learning_rate_scaler",
        "clip_grad_norm",
        "offset_noise_weight",
        "generalized_offset_noise",
        "perturbation_noise_weight",
        "rescale_noise_scheduler_to_zero_terminal_snr",
        "force_v_prediction",
        "force_epsilon_prediction",
        "min_noising_strength",
        "max_noising_strength",
        "timestep_distribution",
        "noising_weight",
        "noising_bias",
        "timestep_shift",
        "dynamic_timestep_shifting",
        "cep_gamma",
        "unet",
        "prior",
        "transformer",
        "unconditional_transformer",
        "quantization",
        "text_encoder",
        "text_encoder_layer_skip",
        "text_encoder_sequence_length",
        "text_encoder_2",
        "text_encoder_2_layer_skip",
        "text_encoder_2_sequence_length",
        "text_encoder_3",
        "text_encoder_3_layer_skip",
        "text_encoder_4",
        "text_encoder_4_layer_skip",
        "vae",
        "effnet_encoder",
        "decoder",
        "decoder_text_encoder",
        "decoder_vqgan",
        "masked_training",
        "unmasked_probability",
        "unmasked_weight",
        "normalize_masked_area_loss",
        "masked_prior_preservation_weight",
        "custom_conditioning_image",
        "layer_filter",
        "layer_filter_preset",
        "layer_filter_regex",
        "embedding_learning_rate",
        "preserve_embedding_norm",
        "embedding",
        "additional_embeddings",
        "embedding_weight_dtype",
        "cloud",
        "peft_type",
        "lora_model_name",
        "lora_rank",
        "lora_alpha",
        "lora_decompose",
        "lora_decompose_norm_epsilon",
        "lora_decompose_output_axis",
        "lora_weight_dtype",
        "bundle_additional_embeddings",
        "oft_block_size",
        "oft_block_share",
        "dora_oft",
        "oft_scaled",
        "oft_clipped_norm",
        "oft_cans",
        "lokr_dim",
        "lokr_decompose_both",
        "lokr_decompose_factor",
        "lokr_use_tucker",
        "lokr_weight_decompose",
        "lokr_dora_on_output",
        "lokr_full_matrix",
        "lokr_vec_trick",
        "optimizer",
        "optimizer_defaults",
        "sample_definition_file_name",
        "samples",
        "sample_after",
        "sample_after_unit",
        "sample_skip_first",
        "sample_image_format",
        "sample_video_format",
        "sample_audio_format",
        "samples_to_tensorboard",
        "non_ema_sampling",
        "backup_after",
        "backup_after_unit",
        "rolling_backup",
        "rolling_backup_count",
        "backup_before_save",
        "save_every",
        "save_every_unit",
        "save_skip_first",
        "save_filename_prefix",
        "secrets",
    }
)
TOP_LEVEL_SOURCE = _TC + " TrainConfig.default_values (read at 00f380ac)"

# TrainModelPartConfig's fields (same file and version)
PART_KEYS = frozenset(
    {
        "__version",
        "model_name",
        "include",
        "train",
        "stop_training_after",
        "stop_training_after_unit",
        "learning_rate",
        "weight_dtype",
        "dropout_probability",
        "train_embedding",
        "attention_mask",
        "guidance_scale",
        "gradient_checkpointing",
        "offload_fraction",
        "activation_offloading",
    }
)
PART_NAMES = frozenset(
    {
        "unet",
        "prior",
        "transformer",
        "unconditional_transformer",
        "text_encoder",
        "text_encoder_2",
        "text_encoder_3",
        "text_encoder_4",
        "vae",
        "effnet_encoder",
        "decoder",
        "decoder_text_encoder",
        "decoder_vqgan",
    }
)

# keys only a migration reads: migration m runs for files whose `__version` is m or lower
# (_TC:612-867; the key names as the stored version's migrations spell them)
LEGACY_KEYS: dict[str, int] = {
    **dict.fromkeys(
        (
            "train_unet",
            "train_unet_epochs",
            "unet_learning_rate",
            "unet_weight_dtype",
            "train_prior",
            "prior_model_name",
            "train_prior_epochs",
            "prior_learning_rate",
            "prior_weight_dtype",
            "train_text_encoder",
            "train_text_encoder_epochs",
            "text_encoder_learning_rate",
            "text_encoder_weight_dtype",
            "train_text_encoder_2",
            "train_text_encoder_2_epochs",
            "text_encoder_2_learning_rate",
            "text_encoder_2_weight_dtype",
            "vae_model_name",
            "vae_weight_dtype",
            "effnet_encoder_model_name",
            "effnet_encoder_weight_dtype",
            "decoder_model_name",
            "decoder_weight_dtype",
            "decoder_text_encoder_weight_dtype",
            "decoder_vqgan_weight_dtype",
            "embedding_model_names",
            "token_count",
            "initial_embedding_text",
        ),
        1,
    ),
    "min_snr_gamma": 2,
    "save_after": 5,
    "save_after_unit": 5,
    "lora_layers": 7,
    "lora_layer_preset": 7,
    "lora_layers_regex": 7,
    "weight_dtype": 9,
    "gradient_checkpointing": 10,
    "enable_activation_offloading": 10,
    "layer_offload_fraction": 10,
    "enable_async_offloading": 10,
}
MIGRATION_SOURCE = _TC + ":612-867"
# migration 1 (files of version 0): the flat part keys and the part field they become
LEGACY_PART_KEYS: dict[str, tuple[str, str]] = {
    "train_unet": ("unet", "train"),
    "train_unet_epochs": ("unet", "stop_training_after"),
    "unet_learning_rate": ("unet", "learning_rate"),
    "train_prior": ("prior", "train"),
    "train_prior_epochs": ("prior", "stop_training_after"),
    "prior_learning_rate": ("prior", "learning_rate"),
    "train_text_encoder": ("text_encoder", "train"),
    "train_text_encoder_epochs": ("text_encoder", "stop_training_after"),
    "text_encoder_learning_rate": ("text_encoder", "learning_rate"),
    "train_text_encoder_2": ("text_encoder_2", "train"),
    "train_text_encoder_2_epochs": ("text_encoder_2", "stop_training_after"),
    "text_encoder_2_learning_rate": ("text_encoder_2", "learning_rate"),
}
CONVERSION_SOURCE = _FROM_DICT

# the names OneTrainer's enums take: from_dict reads `Enum[name]`, and another name is "Could not set"
# (the default stays, so a misspelt model_type trains Stable Diffusion 1.5)
CONCEPT_TYPES = ("STANDARD", "VALIDATION", "PRIOR_PREDICTION")  # _CC:187-196
BALANCING_STRATEGIES = ("REPEATS", "SAMPLES")  # _CC:109-110
KEYS["model_type"] = KEYS["model_type"]._replace(enum=tuple(MODEL_TYPES))
KEYS["training_method"] = KEYS["training_method"]._replace(enum=tuple(TRAINING_METHODS))
KEYS["learning_rate_scaler"] = KEYS["learning_rate_scaler"]._replace(enum=LR_SCALERS)
for _defaults in (DENOISER_DEFAULTS, TEXT_ENCODER_DEFAULTS):
    _defaults["stop_training_after_unit"] = _defaults["stop_training_after_unit"]._replace(enum=TIME_UNITS)
CONCEPT_KEYS["type"] = CONCEPT_KEYS["type"]._replace(enum=CONCEPT_TYPES)
CONCEPT_KEYS["balancing_strategy"] = CONCEPT_KEYS["balancing_strategy"]._replace(enum=BALANCING_STRATEGIES)
