// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PackedOutputs} from "./PackedOutputs.sol";

/**
 * @title ZkInferRegistry
 * @notice Registry of zkinfer models (model id → Groth16 verifier, ONNX sha256, verifying-key hash,
 *         packed public-signal layout) that accepts inference proofs, checks them with the model's
 *         verifier, decodes the packed outputs and emits them.
 *
 * @dev SECURITY — Groth16 proofs are MALLEABLE. Anyone holding a valid proof can derive other, different
 *      valid proofs for the same public signals without knowing the witness. Never use a proof (its bytes
 *      or their hash) as a unique identifier, nullifier or replay-protection key. If an application needs
 *      uniqueness, bind it to the public signals (e.g. a nonce or the submitter's address as a public input
 *      of the circuit), never to the proof. Likewise an `InferenceVerified` event attests that a valid proof
 *      exists for these signals; it does not attest that `submitter` computed it (proofs can be copied from
 *      the mempool).
 *
 *      The registry trusts each registered verifier: the owner must register the verifier exported from that
 *      model's own zkey (`zkinfer deploy` does); the ONNX and verifying-key hashes are recorded so anyone can
 *      audit the pairing off-chain.
 *
 *      Registration is owner-controlled and final: a model id can never be re-registered or replaced
 *      (`ModelAlreadyRegistered`); the owner can only retire it (submissions then revert with `ModelIsRetired`).
 *
 *      Public signals are snarkjs's order: the circuit's packed outputs first, then its Poseidon commitments
 *      (hashed output, hashed input, committed weights: one signal each), then packed public inputs.
 *
 *      COMMITTED WEIGHTS — a model compiled with `--weights committed` takes its weights as private inputs,
 *      so its verifier accepts proofs for ANY weights of that architecture; only the public weights
 *      commitment says which. Register such a model with `registerModelWithCommitments`, giving the weights
 *      commitment: the registry then rejects every proof whose commitment differs
 *      (`WeightsCommitmentMismatch`). Registered with plain `registerModel`, it would accept any weights.
 *      Per-model verifiers are snarkjs's Groth16 template (`verifyProof(uint[2],uint[2][2],uint[2],uint[N])`);
 *      the registry calls them with the selector for that model's N, computed at registration.
 */
contract ZkInferRegistry {
    /// @notice Identifies this contract as a zkinfer registry (and its interface version) to off-chain tools.
    string public constant VERSION = "zkinfer-registry/2";

    /// @notice BN254 scalar field modulus: every public signal must be below it.
    uint256 public constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Upper bound on the public signals of one model (keeps registration and calls bounded).
    uint256 public constant MAX_PUBLIC_SIGNALS = 256;

    /// @notice A Groth16 proof in the snarkjs Solidity calldata order (pi_b's coordinates swapped).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice Marks an absent commitment signal in `Commitments`.
    uint32 public constant NONE = type(uint32).max;

    /// @notice Public signals holding Poseidon commitments (design §4), NONE when the model has none.
    struct Commitments {
        /// Hashed input: the commitment to the (private) input, e.g. one a data owner published.
        uint32 inputSignal;
        /// Hashed outputs: the commitment to the (private) outputs.
        uint32 outputSignal;
        /// Committed weights: must equal `weights` in every accepted proof.
        uint32 weightsSignal;
        /// The registered weights commitment (0 when weightsSignal is NONE).
        uint256 weights;
    }

    /// @notice A registered model.
    struct Model {
        address verifier;
        uint32 publicSignals;
        bytes4 selector;
        bool retired;
        bytes32 onnxSha256;
        bytes32 vkeyHash;
        PackedOutputs.Group[] outputs;
        PackedOutputs.Group[] inputs;
        Commitments commitments;
    }

    address public owner;
    mapping(bytes32 modelId => Model) private models;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event ModelRegistered(
        bytes32 indexed modelId, address indexed verifier, bytes32 onnxSha256, bytes32 vkeyHash, uint256 publicSignals
    );
    event ModelRetired(bytes32 indexed modelId);
    /// @notice A valid proof was submitted. `outputs` are the decoded output groups, concatenated in layout
    ///         order; `inputs` the decoded public-input groups (empty when the model's inputs are private).
    event InferenceVerified(bytes32 indexed modelId, address indexed submitter, int256[] outputs, int256[] inputs);
    /// @notice Emitted after InferenceVerified for models with commitments: their values in this proof
    ///         (0 for a commitment the model does not have).
    event InferenceCommitments(
        bytes32 indexed modelId, uint256 inputCommitment, uint256 outputCommitment, uint256 weightsCommitment
    );

    error NotOwner(address caller);
    error ZeroAddress();
    error ModelAlreadyRegistered(bytes32 modelId);
    error UnknownModel(bytes32 modelId);
    error ModelIsRetired(bytes32 modelId);
    error NotAContract(address verifier);
    /// @notice The verifier does not answer `verifyProof` for `publicSignals` public signals.
    error VerifierMismatch(address verifier, uint256 publicSignals);
    error InvalidPublicSignalCount(uint256 publicSignals);
    /// @notice Groups overlap or are not in signal order (outputs first, then inputs).
    error GroupsOverlap(uint256 groupIndex);
    error WrongSignalCount(bytes32 modelId, uint256 expected, uint256 actual);
    error SignalNotInField(uint256 signalIndex);
    error InvalidProof(bytes32 modelId);
    /// @notice The call to the verifier itself failed (reverted or returned garbage).
    error VerifierCallFailed(bytes32 modelId);
    /// @notice A commitment signal is out of range, inside a packed group, repeated, or the weights value is not
    ///         a field element (or is given without a weights signal).
    error InvalidCommitments();
    /// @notice The proof's weights commitment is not the one registered for the model.
    error WeightsCommitmentMismatch(bytes32 modelId, uint256 registered, uint256 proved);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroAddress();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /**
     * @notice Registers `modelId`. Reverts if the id was ever registered before (no silent replacement).
     * @param verifier        snarkjs Groth16 verifier for this model (must have code and accept N signals).
     * @param onnxSha256      sha256 of the ONNX file (manifest.onnx.sha256).
     * @param vkeyHash        sha256 of verification_key.json (manifest.setup.vkeySha256).
     * @param publicSignals   N, the number of public signals of the circuit.
     * @param outputs         packed output groups (manifest.publicSignals.groups with role 'output').
     * @param inputs          packed public-input groups (role 'input'), after the outputs.
     * @dev For models without commitments. A committed-weights model must use registerModelWithCommitments.
     */
    function registerModel(
        bytes32 modelId,
        address verifier,
        bytes32 onnxSha256,
        bytes32 vkeyHash,
        uint256 publicSignals,
        PackedOutputs.Group[] calldata outputs,
        PackedOutputs.Group[] calldata inputs
    ) external onlyOwner {
        _register(modelId, verifier, onnxSha256, vkeyHash, publicSignals, outputs, inputs, Commitments(NONE, NONE, NONE, 0));
    }

    /**
     * @notice Registers a model whose public signals include Poseidon commitments (hashed input/output,
     *         committed weights). With a weights commitment, only proofs for exactly those weights are accepted.
     * @param commitments     the commitment signals (NONE when absent) and the registered weights commitment
     *                        (`zkinfer commit <build> --weights` prints it).
     */
    function registerModelWithCommitments(
        bytes32 modelId,
        address verifier,
        bytes32 onnxSha256,
        bytes32 vkeyHash,
        uint256 publicSignals,
        PackedOutputs.Group[] calldata outputs,
        PackedOutputs.Group[] calldata inputs,
        Commitments calldata commitments
    ) external onlyOwner {
        _register(modelId, verifier, onnxSha256, vkeyHash, publicSignals, outputs, inputs, commitments);
    }

    function _register(
        bytes32 modelId,
        address verifier,
        bytes32 onnxSha256,
        bytes32 vkeyHash,
        uint256 publicSignals,
        PackedOutputs.Group[] calldata outputs,
        PackedOutputs.Group[] calldata inputs,
        Commitments memory c
    ) private {
        Model storage m = models[modelId];
        if (m.verifier != address(0)) revert ModelAlreadyRegistered(modelId);
        if (verifier.code.length == 0) revert NotAContract(verifier);
        if (publicSignals == 0 || publicSignals > MAX_PUBLIC_SIGNALS) revert InvalidPublicSignalCount(publicSignals);

        uint256 end = 0;
        for (uint256 i = 0; i < outputs.length + inputs.length; ++i) {
            PackedOutputs.Group memory g = i < outputs.length ? outputs[i] : inputs[i - outputs.length];
            if (g.firstSignal < end) revert GroupsOverlap(i);
            end = PackedOutputs.checkGroup(g, i, publicSignals);
            if (i < outputs.length) m.outputs.push(g);
            else m.inputs.push(g);
        }

        _checkCommitments(m, c, publicSignals);
        m.commitments = c;

        bytes4 selector = _verifyProofSelector(publicSignals);
        _checkVerifierAnswers(verifier, selector, publicSignals);

        m.verifier = verifier;
        m.publicSignals = uint32(publicSignals);
        m.selector = selector;
        m.onnxSha256 = onnxSha256;
        m.vkeyHash = vkeyHash;
        emit ModelRegistered(modelId, verifier, onnxSha256, vkeyHash, publicSignals);
    }

    /// @notice Retires a model for good: further submissions revert with ModelIsRetired; the id stays taken.
    function retireModel(bytes32 modelId) external onlyOwner {
        Model storage m = models[modelId];
        if (m.verifier == address(0)) revert UnknownModel(modelId);
        m.retired = true;
        emit ModelRetired(modelId);
    }

    /// @notice Everything recorded for `modelId` (reverts with UnknownModel if it was never registered).
    function getModel(bytes32 modelId) external view returns (Model memory) {
        Model storage m = models[modelId];
        if (m.verifier == address(0)) revert UnknownModel(modelId);
        return m;
    }

    function isRegistered(bytes32 modelId) external view returns (bool) {
        return models[modelId].verifier != address(0);
    }

    /**
     * @notice Verifies a proof for `modelId` and emits InferenceVerified with the decoded outputs.
     * @dev Reverts with UnknownModel, ModelIsRetired, WrongSignalCount, SignalNotInField, NonCanonicalSignal,
     *      InvalidProof or VerifierCallFailed. See the contract's note on malleability: a proof is not an id.
     * @return outputs the decoded output groups, concatenated.
     */
    function submitInference(bytes32 modelId, Proof calldata proof, uint256[] calldata publicSignals)
        external
        returns (int256[] memory outputs)
    {
        int256[] memory inputs;
        (outputs, inputs) = _verify(modelId, proof, publicSignals);
        emit InferenceVerified(modelId, msg.sender, outputs, inputs);
        Commitments storage c = models[modelId].commitments;
        if (c.inputSignal != NONE || c.outputSignal != NONE || c.weightsSignal != NONE) {
            emit InferenceCommitments(
                modelId, _signalOr0(publicSignals, c.inputSignal), _signalOr0(publicSignals, c.outputSignal),
                _signalOr0(publicSignals, c.weightsSignal)
            );
        }
    }

    /// @notice Same checks as submitInference without emitting (for eth_call). Reverts on any failure.
    function verifyInference(bytes32 modelId, Proof calldata proof, uint256[] calldata publicSignals)
        external
        view
        returns (int256[] memory outputs, int256[] memory inputs)
    {
        return _verify(modelId, proof, publicSignals);
    }

    function _verify(bytes32 modelId, Proof calldata proof, uint256[] calldata publicSignals)
        private
        view
        returns (int256[] memory outputs, int256[] memory inputs)
    {
        Model storage m = models[modelId];
        address verifier = m.verifier;
        if (verifier == address(0)) revert UnknownModel(modelId);
        if (m.retired) revert ModelIsRetired(modelId);
        if (publicSignals.length != m.publicSignals) {
            revert WrongSignalCount(modelId, m.publicSignals, publicSignals.length);
        }
        for (uint256 i = 0; i < publicSignals.length; ++i) {
            if (publicSignals[i] >= FIELD_MODULUS) revert SignalNotInField(i);
        }

        uint32 ws = m.commitments.weightsSignal;
        if (ws != NONE && publicSignals[ws] != m.commitments.weights) {
            revert WeightsCommitmentMismatch(modelId, m.commitments.weights, publicSignals[ws]);
        }

        outputs = _decodeGroups(m.outputs, publicSignals);
        inputs = _decodeGroups(m.inputs, publicSignals);

        (bool ok, bytes memory ret) = verifier.staticcall(
            bytes.concat(abi.encodeWithSelector(m.selector, proof.a, proof.b, proof.c), abi.encodePacked(publicSignals))
        );
        if (!ok || ret.length != 32) revert VerifierCallFailed(modelId);
        if (abi.decode(ret, (uint256)) != 1) revert InvalidProof(modelId);
    }

    function _decodeGroups(PackedOutputs.Group[] storage groups, uint256[] calldata publicSignals)
        private
        view
        returns (int256[] memory values)
    {
        uint256 n = groups.length;
        if (n == 1) return PackedOutputs.decode(publicSignals, groups[0]);
        uint256 total = 0;
        for (uint256 i = 0; i < n; ++i) total += groups[i].count;
        values = new int256[](total);
        uint256 offset = 0;
        for (uint256 i = 0; i < n; ++i) {
            PackedOutputs.Group memory g = groups[i];
            PackedOutputs.decodeInto(publicSignals, g, values, offset);
            offset += g.count;
        }
    }

    function _signalOr0(uint256[] calldata publicSignals, uint32 index) private pure returns (uint256) {
        return index == NONE ? 0 : publicSignals[index];
    }

    /// @dev Each present commitment signal lies within the signals, outside every packed group, and is not
    ///      repeated; the weights value is a field element, and 0 when there is no weights signal.
    function _checkCommitments(Model storage m, Commitments memory c, uint256 n) private view {
        uint32[3] memory s = [c.inputSignal, c.outputSignal, c.weightsSignal];
        for (uint256 i = 0; i < 3; ++i) {
            if (s[i] == NONE) continue;
            if (s[i] >= n) revert InvalidCommitments();
            for (uint256 j = 0; j < i; ++j) {
                if (s[j] == s[i]) revert InvalidCommitments();
            }
            if (_inGroups(m.outputs, s[i]) || _inGroups(m.inputs, s[i])) revert InvalidCommitments();
        }
        if (c.weightsSignal == NONE ? c.weights != 0 : c.weights >= FIELD_MODULUS) revert InvalidCommitments();
    }

    function _inGroups(PackedOutputs.Group[] storage groups, uint256 signal) private view returns (bool) {
        for (uint256 i = 0; i < groups.length; ++i) {
            uint256 first = groups[i].firstSignal;
            if (signal >= first && signal < first + PackedOutputs.signalCount(groups[i].count, groups[i].perSignal)) {
                return true;
            }
        }
        return false;
    }

    /// @dev Selector of snarkjs's `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[n])`.
    function _verifyProofSelector(uint256 n) private pure returns (bytes4) {
        return bytes4(
            keccak256(abi.encodePacked("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(n), "])"))
        );
    }

    /// @dev Calls the verifier once with an all-zero proof: a matching snarkjs verifier answers with one word
    ///      (false); a contract without `verifyProof` for n signals reverts.
    function _checkVerifierAnswers(address verifier, bytes4 selector, uint256 n) private view {
        (bool ok, bytes memory ret) = verifier.staticcall(bytes.concat(selector, new bytes(32 * (8 + n))));
        if (!ok || ret.length != 32) revert VerifierMismatch(verifier, n);
    }

    function _decimal(uint256 v) private pure returns (bytes memory s) {
        if (v == 0) return "0";
        uint256 len = 0;
        for (uint256 t = v; t != 0; t /= 10) ++len;
        s = new bytes(len);
        for (; v != 0; v /= 10) s[--len] = bytes1(uint8(48 + (v % 10)));
    }
}
