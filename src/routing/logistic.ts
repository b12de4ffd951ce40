// Weighted, L2-regularised logistic regression with per-row offsets, solved by L-BFGS with a
// backtracking line search. Full-batch and free of randomness: the same rows in the same order
// always give the same weights, which is what makes the router's fit reproducible.
//
// Each row i has a sparse feature vector x_i, a weight c_i (how many ratings it stands for), a
// target t_i in [0, 1] (their mean score) and an offset o_i. The objective is
//   sum_i c_i * (log(1 + exp(z_i)) - t_i * z_i) + l2 / 2 * |w|^2 + biasL2 / 2 * b^2,
// with z_i = o_i + b + x_i . w.

/** Rows of a sparse matrix: row r's entries are columns[rowStart[r] .. rowStart[r + 1]). */
export type SparseRows = {
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  readonly columnCount: number;
};

export type LogisticProblem = {
  readonly rows: SparseRows;
  /** Which matrix rows take part, in order (a fold, or the prompts one model answered). */
  readonly rowIndices: Int32Array;
  readonly weights: Float64Array;
  readonly targets: Float64Array;
  readonly offsets: Float64Array;
  readonly l2: number;
  /** 0 leaves the bias free; above 0 shrinks it toward zero (toward the offset's level). */
  readonly biasL2: number;
};

export type LogisticSolverLimits = {
  readonly iterationsMax: number;
  /** Stop when the gradient's largest entry falls below this. */
  readonly gradientTolerance: number;
  readonly historySize: number;
};

export const defaultSolverLimits: LogisticSolverLimits = { iterationsMax: 150, gradientTolerance: 1e-5, historySize: 8 };

export type LogisticSolution = { readonly weights: Float64Array; readonly bias: number };

export function logLoss(logOdds: number, target: number): number {
  // log(1 + e^z) - t z, computed without overflow for large |z|.
  const softplus = logOdds > 0 ? logOdds + Math.log1p(Math.exp(-logOdds)) : Math.log1p(Math.exp(logOdds));
  return softplus - target * logOdds;
}

export function sigmoid(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

/** x_r . w over the first `columnCount` entries of `parameters` (the last one is the bias). */
export function rowDot(rows: SparseRows, row: number, parameters: Float64Array): number {
  let total = 0;
  for (let entry = rows.rowStart[row] as number; entry < (rows.rowStart[row + 1] as number); entry += 1) {
    total += (rows.values[entry] as number) * (parameters[rows.columns[entry] as number] as number);
  }
  return total;
}

/** Objective value; writes the gradient (weights, then bias) into `gradient`. */
function evaluate(problem: LogisticProblem, parameters: Float64Array, gradient: Float64Array): number {
  const { rows, rowIndices, weights, targets, offsets, l2, biasL2 } = problem;
  const biasIndex = rows.columnCount;
  const bias = parameters[biasIndex] as number;
  gradient.fill(0);
  let objective = 0;
  let biasGradient = 0;
  for (let position = 0; position < rowIndices.length; position += 1) {
    const row = rowIndices[position] as number;
    const weight = weights[position] as number;
    const logOdds = (offsets[position] as number) + bias + rowDot(rows, row, parameters);
    objective += weight * logLoss(logOdds, targets[position] as number);
    const residual = weight * (sigmoid(logOdds) - (targets[position] as number));
    biasGradient += residual;
    for (let entry = rows.rowStart[row] as number; entry < (rows.rowStart[row + 1] as number); entry += 1) {
      const column = rows.columns[entry] as number;
      gradient[column] = (gradient[column] as number) + residual * (rows.values[entry] as number);
    }
  }
  let squaredNorm = 0;
  for (let column = 0; column < biasIndex; column += 1) {
    const value = parameters[column] as number;
    squaredNorm += value * value;
    gradient[column] = (gradient[column] as number) + l2 * value;
  }
  gradient[biasIndex] = biasGradient + biasL2 * bias;
  return objective + (l2 / 2) * squaredNorm + (biasL2 / 2) * bias * bias;
}

function dot(left: Float64Array, right: Float64Array): number {
  let total = 0;
  for (let index = 0; index < left.length; index += 1) total += (left[index] as number) * (right[index] as number);
  return total;
}

function largestMagnitude(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/** L-BFGS two-loop recursion: writes -H * gradient into `direction`. */
function searchDirection(gradient: Float64Array, steps: Float64Array[], changes: Float64Array[], direction: Float64Array): void {
  direction.set(gradient);
  const alphas: number[] = [];
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const step = steps[index] as Float64Array;
    const change = changes[index] as Float64Array;
    const alpha = dot(step, direction) / dot(change, step);
    alphas[index] = alpha;
    for (let entry = 0; entry < direction.length; entry += 1) direction[entry] = (direction[entry] as number) - alpha * (change[entry] as number);
  }
  const last = steps.length - 1;
  const scale = last >= 0 ? dot(steps[last] as Float64Array, changes[last] as Float64Array) / dot(changes[last] as Float64Array, changes[last] as Float64Array) : 1;
  for (let entry = 0; entry < direction.length; entry += 1) direction[entry] = (direction[entry] as number) * scale;
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index] as Float64Array;
    const change = changes[index] as Float64Array;
    const beta = dot(change, direction) / dot(change, step);
    const correction = (alphas[index] as number) - beta;
    for (let entry = 0; entry < direction.length; entry += 1) direction[entry] = (direction[entry] as number) + correction * (step[entry] as number);
  }
  for (let entry = 0; entry < direction.length; entry += 1) direction[entry] = -(direction[entry] as number);
}

export function solveLogistic(problem: LogisticProblem, limits: LogisticSolverLimits = defaultSolverLimits): LogisticSolution {
  const size = problem.rows.columnCount + 1;
  let parameters = new Float64Array(size);
  let gradient = new Float64Array(size);
  let objective = evaluate(problem, parameters, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const direction = new Float64Array(size);
  const candidate = new Float64Array(size);
  const candidateGradient = new Float64Array(size);
  for (let iteration = 0; iteration < limits.iterationsMax; iteration += 1) {
    if (largestMagnitude(gradient) < limits.gradientTolerance) break;
    searchDirection(gradient, steps, changes, direction);
    let slope = dot(direction, gradient);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      for (let entry = 0; entry < size; entry += 1) direction[entry] = -(gradient[entry] as number);
      slope = dot(direction, gradient);
    }
    let stepLength = steps.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let candidateObjective = Infinity;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      for (let entry = 0; entry < size; entry += 1) candidate[entry] = (parameters[entry] as number) + stepLength * (direction[entry] as number);
      candidateObjective = evaluate(problem, candidate, candidateGradient);
      if (candidateObjective <= objective + 1e-4 * stepLength * slope) break;
      stepLength /= 2;
    }
    if (!(candidateObjective < objective)) break;
    const step = new Float64Array(size);
    const change = new Float64Array(size);
    for (let entry = 0; entry < size; entry += 1) {
      step[entry] = (candidate[entry] as number) - (parameters[entry] as number);
      change[entry] = (candidateGradient[entry] as number) - (gradient[entry] as number);
    }
    if (dot(step, change) > 1e-12) {
      steps.push(step);
      changes.push(change);
      if (steps.length > limits.historySize) {
        steps.shift();
        changes.shift();
      }
    }
    parameters = Float64Array.from(candidate);
    gradient = Float64Array.from(candidateGradient);
    const improvement = objective - candidateObjective;
    objective = candidateObjective;
    if (improvement < 1e-10 * Math.max(1, Math.abs(objective))) break;
  }
  return { weights: parameters.subarray(0, size - 1), bias: parameters[size - 1] as number };
}
