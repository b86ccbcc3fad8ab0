"""What the Scenario API does with the fields of a training payload: defaults, units and sources.

There is no trainer source to pin: the facts come from Scenario's API reference, stored copies of
`PUT /models/{modelId}/train` (the trigger page below; an older revision still gives the SD 1.5 and
SDXL learning rate) and the SDK reference text for `client.models.train.trigger`, which lists the
same `parameters` object field by field. Defaults are encoded only where those pages state them;
trainer-formats.md §9 lists what they leave open (SD 1.5/SDXL step and text-encoder defaults, and
whether `numTextTrainSteps` counts inside `maxTrainSteps` or on top of it).
"""

from ..base import BaseModel, KeyInfo, Method

DOCS = "docs.scenario.com/api/resources/models/subresources/train/methods/trigger"
SDK = "Scenario SDK reference, client.models.train.trigger (TypeScript, @scenario-labs/sdk)"
CREATE = "docs.scenario.com/api/resources/models/methods/create"
DATE = "stored copies, undated; the SD 1.5/SDXL learningRate default is from the older revision of the trigger page"
UNITY = "scenario-labs/Scenario-Unity Scenario/Editor/Models/ModelsUI.cs @150983742ab1"

_T = f"{DOCS}; {SDK}"
_LEGACY = "deprecated legacy training parameter"

# every field of `parameters` the trigger page lists (32); the API's reference types each one
PARAMETERS: dict[str, KeyInfo] = {
    "maxTrainSteps": KeyInfo(
        None,
        "training steps",
        f"{_T}: Flux default training images x 100, range 0..10000; no SD 1.5/SDXL default stated",
        json_type="integer",
        description="Training steps",
    ),
    "learningRate": KeyInfo(
        None, "learning rate", f"{_T}: SD 1.5 and SDXL 0.000005, Flux 0.0001; exclusiveMinimum 0", json_type="number"
    ),
    "learningRateUnet": KeyInfo(None, "learning rate", f"{_T}: UNet learning rate, {_LEGACY}", json_type="number"),
    "learningRateTextEncoder": KeyInfo(
        None, "learning rate", f"{_T}: Flux LoRA default 0.00001, minimum 0.000001, maximum 0.001", json_type="number"
    ),
    "textEncoderTrainingRatio": KeyInfo(
        None,
        "fraction of steps",
        f"{_T}: 100 steps x 0.2 -> the text encoder for 20 "
        f"steps, then the UNet for 80; {_LEGACY} (use numTextTrainSteps)",
        json_type="number",
        description="Share of the steps spent on the text encoder first (0.2 of 100 steps: 20 text encoder steps, then 80 UNet steps)",
    ),
    "numTextTrainSteps": KeyInfo(None, "steps", f"{_T}: text encoder steps, {_LEGACY}", json_type="integer"),
    "numUNetTrainSteps": KeyInfo(None, "steps", f"{_T}: UNet steps, {_LEGACY}", json_type="integer"),
    "batchSize": KeyInfo(
        None,
        "images per batch",
        f"{_T}: Flux LoRA only, 1..4; a larger batch means fewer steps and a higher learning rate",
        json_type="integer",
    ),
    "nbEpochs": KeyInfo(None, "epochs", f"{_T}: Flux LoRA only", json_type="integer"),
    "nbRepeats": KeyInfo(None, "repeats", f"{_T}: Flux LoRA only", json_type="integer"),
    "rank": KeyInfo(None, "rank", f"{_T}: Flux 16 (2..64), Musubi 64 (2..128)", json_type="integer"),
    "optimizeFor": KeyInfo(None, "name", f"{_T}: Flux LoRA only (likeness)", json_type="string"),
    "conceptPrompt": KeyInfo(
        None,
        "text",
        f"{_T}: SD 1.5/SDXL 'daiton', Flux ''",
        json_type="string",
        description="The prompt that names the trained concept",
    ),
    "classPrompt": KeyInfo(None, "text", f"{_T}: SD 1.5 only, {_LEGACY}", json_type="string"),
    "samplePrompts": KeyInfo(None, "text", f"{_T}: Flux LoRA only"),
    "sampleSourceImages": KeyInfo(None, "asset ids", f"{_T}: Flux LoRA only", json_type="array"),
    "lrScheduler": KeyInfo("constant", "name", f"{_T}: {_LEGACY}", json_type="string"),
    "scaleLr": KeyInfo(None, "flag", f"{_T}: 'Legacy parameter, will be ignored'", json_type="boolean"),
    "seed": KeyInfo(None, "number", f"{_T}: {_LEGACY}"),
    "priorLossWeight": KeyInfo(None, "number", f"{_T}: {_LEGACY}", json_type="number"),
    "randomCrop": KeyInfo(None, "flag", f"{_T}: {_LEGACY}", json_type="boolean"),
    "randomCropRatio": KeyInfo(None, "number", f"{_T}: {_LEGACY}", json_type="number"),
    "randomCropScale": KeyInfo(None, "number", f"{_T}: {_LEGACY}", json_type="number"),
    "validationFrequency": KeyInfo(None, "steps", f"{_T}: {_LEGACY}", json_type="integer"),
    "validationPrompt": KeyInfo(None, "text", f"{_T}: {_LEGACY}", json_type="string"),
    "wandbKey": KeyInfo(None, "text", _T, json_type="string"),
    # voice cloning (ElevenLabs) only
    "age": KeyInfo(None, "text", f"{_T}: ElevenLabs voice training only", json_type="string"),
    "cloneType": KeyInfo(None, "text", f"{_T}: ElevenLabs voice training only", json_type="string"),
    "gender": KeyInfo(None, "text", f"{_T}: ElevenLabs voice training only", json_type="string"),
    "language": KeyInfo(None, "text", f"{_T}: ElevenLabs voice training only", json_type="string"),
    "removeBackgroundNoise": KeyInfo(None, "flag", f"{_T}: ElevenLabs voice training only", json_type="boolean"),
    "voiceDescription": KeyInfo(None, "text", f"{_T}: ElevenLabs voice training only", json_type="string"),
}
PARAMETER_KEYS = frozenset(PARAMETERS)
DEPRECATED = frozenset(
    {
        "learningRateUnet",
        "textEncoderTrainingRatio",
        "numTextTrainSteps",
        "numUNetTrainSteps",
        "classPrompt",
        "lrScheduler",
        "scaleLr",
        "seed",
        "priorLossWeight",
        "randomCrop",
        "randomCropRatio",
        "randomCropScale",
        "validationFrequency",
        "validationPrompt",
    }
)
IGNORED = frozenset({"scaleLr"})  # "Legacy parameter, will be ignored"
NUMBER_FIELDS = frozenset(k for k, info in PARAMETERS.items() if info.unit not in ("text", "name", "flag", "asset ids"))
# the distinctive fields a cheap test looks for (camelCase; no other trainer spells them so)
SIGNATURE_FIELDS = (
    "maxTrainSteps",
    "learningRateTextEncoder",
    "textEncoderTrainingRatio",
    "numTextTrainSteps",
    "numUNetTrainSteps",
    "learningRateUnet",
    "conceptPrompt",
    "nbEpochs",
    "nbRepeats",
)

# defaults the pages state, per family (anything else has none)
DEFAULTS: dict[str, dict[str, float]] = {
    "flux.1": {"learningRate": 1e-4, "learningRateTextEncoder": 1e-5},
    "sd-1.5": {"learningRate": 5e-6},
    "sdxl": {"learningRate": 5e-6},
}
FLUX_STEPS_PER_IMAGE = 100  # maxTrainSteps default: number of training images x 100 (Flux)
FLUX_MAX_STEPS = 10000
LEARNING_RATE_EXCLUSIVE_MINIMUM = 0.0  # learningRate: exclusiveMinimum 0 (the trigger page)
TE_LEARNING_RATE_RANGE = (1e-6, 1e-3)  # learningRateTextEncoder, Flux LoRA

# model `type` -> (trainlint family or None, lora/full or None, what it is); the current enum (31
# values, the create page and the SDK) has no SD 1.5/SDXL training types; the legacy strings come
# from Scenario's Unity plugin (UNITY); `sd-1_5-lora` was found in no source (mapped by its prefix)
TYPES: dict[str, tuple[BaseModel | None, Method | None, str]] = {
    "flux.1-lora": ("flux.1", "lora", "FLUX.1 dev LoRA"),
    "flux.1-krea-lora": ("flux.1", "lora", "FLUX.1 Krea dev LoRA"),
    "flux.1-kontext-lora": (None, "lora", "FLUX.1 Kontext LoRA (image editing, trained on image pairs)"),
    "flux.2-dev-lora": (None, "lora", "FLUX.2 dev LoRA"),
    "flux.2-dev-edit-lora": (None, "lora", "FLUX.2 dev edit LoRA"),
    "flux.2-klein-4b-lora": (None, "lora", "FLUX.2 Klein 4B LoRA"),
    "flux.2-klein-4b-edit-lora": (None, "lora", "FLUX.2 Klein 4B edit LoRA"),
    "flux.2-klein-9b-lora": (None, "lora", "FLUX.2 Klein 9B LoRA"),
    "flux.2-klein-9b-edit-lora": (None, "lora", "FLUX.2 Klein 9B edit LoRA"),
    "flux.2-klein-base-4b-lora": (None, "lora", "FLUX.2 Klein base 4B LoRA"),
    "flux.2-klein-base-4b-edit-lora": (None, "lora", "FLUX.2 Klein base 4B edit LoRA"),
    "flux.2-klein-base-9b-lora": (None, "lora", "FLUX.2 Klein base 9B LoRA"),
    "flux.2-klein-base-9b-edit-lora": (None, "lora", "FLUX.2 Klein base 9B edit LoRA"),
    "qwen-image-lora": (None, "lora", "Qwen-Image LoRA"),
    "qwen-image-2512-lora": (None, "lora", "Qwen-Image 2512 LoRA"),
    "qwen-image-edit-lora": (None, "lora", "Qwen-Image-Edit LoRA"),
    "qwen-image-edit-2509-lora": (None, "lora", "Qwen-Image-Edit 2509 LoRA"),
    "qwen-image-edit-2511-lora": (None, "lora", "Qwen-Image-Edit 2511 LoRA"),
    "zimage-lora": (None, "lora", "Z-Image LoRA"),
    "zimage-turbo-lora": (None, "lora", "Z-Image Turbo LoRA"),
    "zimage-de-turbo-lora": (None, "lora", "Z-Image de-turbo LoRA"),
    # legacy (Unity plugin); whether `sd-1_5` and `sd-xl` trained a LoRA or the full model is not stated
    "sd-xl-lora": ("sdxl", "lora", "SDXL LoRA (legacy)"),
    "sd-xl": ("sdxl", None, "SDXL (legacy)"),
    "sd-1_5": ("sd-1.5", None, "SD 1.5 (legacy)"),
}
# types that exist but are not trained: base models, compositions of LoRAs, hosted models, voices
NOT_TRAINED = frozenset(
    {
        "custom",
        "elevenlabs-voice",
        "flux.1",
        "flux.1-composition",
        "flux.1-kontext-dev",
        "flux.1-krea-dev",
        "flux.1-pro",
        "flux.1.1-pro-ultra",
        "flux1.1-pro",
        "gpt-image-1",
        "sd-xl-composition",
    }
)
TYPE_SOURCE = f"{CREATE} (type enum); {SDK}; legacy strings: {UNITY}"

# other trainers' names for these fields
FOREIGN_KEYS = {
    "max_train_steps": "maxTrainSteps",
    "steps": "maxTrainSteps",
    "learning_rate": "learningRate",
    "lr": "learningRate",
    "unet_lr": "learningRate",
    "text_encoder_lr": "learningRateTextEncoder",
    "train_batch_size": "batchSize",
    "batch_size": "batchSize",
    "num_train_epochs": "nbEpochs",
    "epochs": "nbEpochs",
    "num_repeats": "nbRepeats",
    "repeats": "nbRepeats",
    "network_dim": "rank",
    "lora_rank": "rank",
    "instance_prompt": "conceptPrompt",
    "class_prompt": "classPrompt",
    "text_encoder_training_ratio": "textEncoderTrainingRatio",
    "trainingSteps": "maxTrainSteps",
}
